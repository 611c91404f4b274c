import { freePort } from '@minidapr/testkit';
import { cleanup, ECHO_APP, listJson, minidapr, scenario, waitAllGone } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('SIGTERM stops the app and the sidecar, printing Dapr lines, leaving nothing running', async () => {
  s.dir.write({ 'app.js': ECHO_APP });
  const appPort = await freePort();
  const run = minidapr(s, ['run', '--app-id', 'term', '--app-port', String(appPort), '--', 'node', 'app.js']);
  await run.waitForOutput("You're up and running!", 15000);
  const [app] = await listJson(s);
  if (!app) throw new Error('app not listed');

  run.child.kill('SIGTERM');
  const { code } = await run.exited;
  expect(code).toBe(0);
  const out = run.stdout();
  expect(out).toContain('terminated signal received: shutting down');
  expect(out).toContain('Exited Dapr successfully');
  expect(out).toContain('Exited App successfully');
  await waitAllGone([app.daprdPid, app.appPid], [app.httpPort, appPort], 3000);
  expect(await listJson(s)).toEqual([]);
});
