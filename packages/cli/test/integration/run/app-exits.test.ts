import { freePort } from '@minidapr/testkit';
import { cleanup, listJson, minidaprDone, scenario, waitAllGone } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('passes a failing exit code on and stops the sidecar', async () => {
  s.dir.write({ 'fail.js': 'console.log("working"); setTimeout(() => process.exit(3), 200);' });
  const httpPort = await freePort();
  const r = await minidaprDone(s, ['run', '-a', 'quitter', '-H', String(httpPort), '--', 'node', 'fail.js']);
  expect(r.code).toBe(3);
  expect(r.stdout).toContain('working');
  expect(r.stdout).toContain('The App process exited with error code: 3');
  expect(r.stdout).toContain('Exited Dapr successfully');
  await waitAllGone([], [httpPort], 3000);
  expect(await listJson(s)).toEqual([]);
});

it('exits 0 when the app does', async () => {
  s.dir.write({ 'ok.js': 'console.log("done")' });
  const r = await minidaprDone(s, ['run', '-a', 'finisher', '--', 'node', 'ok.js']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Exited App successfully\n(.|\n)*Exited Dapr successfully/);
  expect(await listJson(s)).toEqual([]);
});

it('reports a command that cannot start', async () => {
  const r = await minidaprDone(s, ['run', '-a', 'nothing', '--', 'no-such-command-xyz']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('Failed to start the app command "no-such-command-xyz"');
  expect(await listJson(s)).toEqual([]);
});
