import { freePort } from '@minidapr/testkit';
import { cleanup, listJson, minidaprDone, scenario, waitAllGone } from '../helpers';

jest.setTimeout(30000);
const s = scenario({ MINIDAPR_APP_READY_TIMEOUT_SECONDS: '1' });
afterAll(() => cleanup(s));

it('gives up after the deadline, naming the port, and stops everything', async () => {
  s.dir.write({ 'app.js': 'console.log("busy doing nothing"); setInterval(() => {}, 1000);' });
  const appPort = await freePort();
  const httpPort = await freePort();
  const started = Date.now();
  const r = await minidaprDone(s, ['run', '-a', 'deaf', '-p', String(appPort), '-H', String(httpPort), '--', 'node', 'app.js']);
  expect(Date.now() - started).toBeLessThan(10000);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`Waiting for the app to listen on port ${appPort} (up to 1s)`);
  expect(r.stdout).toContain(`Nothing listens on port ${appPort} yet (app "deaf", --app-port ${appPort}), 0.5s after the app started`); // the early hint
  expect(r.stderr).toContain(`The app did not listen on port ${appPort} within 1s`);
  expect(r.stdout).not.toContain("You're up and running!");
  const appPid = Number(/Updating metadata for appPID: (\d+)/.exec(r.stdout)?.[1]);
  expect(appPid).toBeGreaterThan(0);
  await waitAllGone([appPid], [httpPort], 3000);
  expect(await listJson(s)).toEqual([]);
});
