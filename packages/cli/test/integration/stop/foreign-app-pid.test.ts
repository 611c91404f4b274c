/**
 * Scenario: an API caller sets appPID to a process minidapr never started (PUT /v1.0/metadata/appPID);
 * `minidapr stop` stops the sidecar and the CLI but never signals that process.
 */
import { spawn } from 'node:child_process';
import { alive, cleanup, listJson, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
const victim = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore', detached: true });
afterAll(async () => {
  victim.kill('SIGKILL');
  await cleanup(s);
});

it('stop ignores an appPID it did not record itself', async () => {
  const run = minidapr(s, ['run', '--app-id', 'tampered']);
  await run.waitForOutput("You're up and running!", 15000);
  const [app] = await listJson(s);
  if (!app) throw new Error('app not listed');
  const put = await fetch(`http://127.0.0.1:${app.httpPort}/v1.0/metadata/appPID`, { method: 'PUT', body: String(victim.pid) });
  expect(put.status).toBe(204);
  expect((await listJson(s))[0]?.appPid).toBe(victim.pid);

  const stop = await minidaprDone(s, ['stop', '--app-id', 'tampered']);
  expect(stop.code).toBe(0);
  expect(alive(app.daprdPid)).toBe(false);
  expect(alive(victim.pid as number)).toBe(true);
  await run.exited;
});
