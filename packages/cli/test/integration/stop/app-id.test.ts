import { canBind, freePort } from '@minidapr/testkit';
import { alive, cleanup, ECHO_APP, listJson, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('stop --app-id stops the app, the sidecar and the CLI, and frees their ports', async () => {
  s.dir.write({ 'app.js': ECHO_APP });
  const appPort = await freePort();
  const run = minidapr(s, ['run', '--app-id', 'stoppable', '--app-port', String(appPort), '--', 'node', 'app.js']);
  await run.waitForOutput("You're up and running!", 15000);
  const [app] = await listJson(s);
  if (!app) throw new Error('app not listed');

  const stop = await minidaprDone(s, ['stop', '--app-id', 'stoppable']);
  expect(stop.stderr).toBe('');
  expect(stop.code).toBe(0);
  expect(stop.stdout).toBe('app stopped successfully: stoppable\n');
  // stop returns only once everything is gone: no polling needed here
  for (const pid of [app.daprdPid, app.appPid]) expect(alive(pid)).toBe(false);
  expect(await canBind(app.httpPort)).toBe(true);
  expect(await canBind(appPort)).toBe(true);
  const { code } = await run.exited;
  expect(code).toBe(0);
  expect(run.stdout()).toContain('Exited App successfully');

  // nothing left to stop: Dapr's message on stderr, and exit 0 like `dapr stop`
  const again = await minidaprDone(s, ['stop', '-a', 'stoppable']);
  expect(again).toEqual({ code: 0, stdout: '', stderr: "failed to stop app id stoppable: couldn't find app id stoppable\n" });
});
