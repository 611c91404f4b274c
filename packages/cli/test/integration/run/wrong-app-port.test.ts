import { freePort } from '@minidapr/testkit';
import { alive, cleanup, ECHO_APP, listJson, minidapr, scenario, waitAllGone } from '../helpers';

jest.setTimeout(40000);
const s = scenario({ MINIDAPR_APP_READY_TIMEOUT_SECONDS: '30' });
afterAll(() => cleanup(s));

/** The echo app, but listening on LISTEN_PORT instead of APP_PORT: a wrong --app-port. */
const WRONG_PORT_APP = ECHO_APP.replace('Number(process.env.APP_PORT)', 'Number(process.env.LISTEN_PORT)');

it('says within seconds that nothing listens on a wrong --app-port, naming port and app, and keeps waiting', async () => {
  s.dir.write({ 'app.js': WRONG_PORT_APP });
  const [appPort, realPort] = [await freePort(), await freePort()];
  const started = Date.now();
  const run = minidapr(s, ['run', '-a', 'lost', '-p', String(appPort), '--', 'node', 'app.js'], s.dir.path, { ...s.env, LISTEN_PORT: String(realPort) });
  await run.waitForOutput(`Nothing listens on port ${appPort} yet (app "lost", --app-port ${appPort})`, 15000);
  expect(Date.now() - started).toBeLessThan(12000);
  expect(run.stdout()).toContain(`Check that the app listens on port ${appPort} (it gets it as APP_PORT), or pass the port it really uses with --app-port`);
  expect(run.stdout()).toContain(`listening on ${realPort}`);
  // still waiting (the overall timeout is 30 s): nothing was stopped
  expect(alive(run.pid)).toBe(true);
  expect(run.output()).not.toContain('did not listen');
  const [app] = await listJson(s);
  if (!app) throw new Error('lost not listed');
  run.child.kill('SIGINT');
  expect((await run.exited).code).toBe(0);
  await waitAllGone([app.daprdPid, app.appPid], [app.httpPort, realPort], 5000);
});

it('does the same for an app of a run file, naming its appPort field', async () => {
  const [appPort, realPort] = [await freePort(), await freePort()];
  s.dir.write({
    'svc/app.js': WRONG_PORT_APP,
    'dapr.yaml': ['version: 1', 'apps:', '  - appID: svc', '    appDirPath: ./svc', `    appPort: ${appPort}`, '    command: [node, app.js]', '    env:', `      LISTEN_PORT: "${realPort}"`].join('\n'),
  });
  const run = minidapr(s, ['run', '-f', '.']);
  await run.waitForOutput(`Nothing listens on port ${appPort} yet (app "svc", apps[0].appPort: ${appPort})`, 15000);
  expect(run.stdout()).toContain(`or set apps[0].appPort to the port it really uses`);
  expect(alive(run.pid)).toBe(true);
  const apps = await listJson(s);
  run.child.kill('SIGTERM');
  expect((await run.exited).code).toBe(0);
  await waitAllGone(apps.flatMap((a) => [a.daprdPid, a.appPid]), [realPort], 5000);
});

it('gives no such hint when the app listens in time', async () => {
  s.dir.write({ 'ok.js': ECHO_APP });
  const appPort = await freePort();
  const started = Date.now();
  const run = minidapr(s, ['run', '-a', 'found', '-p', String(appPort), '--', 'node', 'ok.js'], s.dir.path, { ...s.env, MINIDAPR_APP_READY_TIMEOUT_SECONDS: '60' });
  await run.waitForOutput("You're up and running!", 15000);
  // a negative check needs time to pass: until beyond the point where the hint would show (5 s)
  await new Promise((r) => setTimeout(r, Math.max(0, started + 6000 - Date.now())));
  expect(run.stdout()).not.toContain('Nothing listens');
  run.child.kill('SIGINT');
  expect((await run.exited).code).toBe(0);
});
