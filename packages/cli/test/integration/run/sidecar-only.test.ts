import { freePort } from '@minidapr/testkit';
import { cleanup, listJson, minidapr, scenario, waitAllGone } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('runs the sidecar alone when there is no app command, on free ports unless told', async () => {
  const run = minidapr(s, ['run', '--app-id', 'lonely']);
  await run.waitForOutput("You're up and running! Dapr logs will appear here.", 15000);
  expect(run.stdout()).toContain('Dapr sidecar is up and running.');
  const [app] = await listJson(s);
  expect(app).toMatchObject({ appId: 'lonely', appPort: 0, appPid: 0, cliPid: run.pid, command: '' });
  expect(app?.httpPort).not.toBe(3500); // a free port, not Dapr's default
  const health = await fetch(`http://127.0.0.1:${app?.httpPort}/v1.0/healthz`);
  expect(health.status).toBe(204);

  run.child.kill('SIGTERM');
  expect((await run.exited).code).toBe(0);
  expect(run.stdout()).toContain('Exited Dapr successfully');
  await waitAllGone([app?.daprdPid ?? 0], [app?.httpPort ?? 0]);
});

it('uses the ports it is given', async () => {
  const httpPort = await freePort();
  const run = minidapr(s, ['run', '-a', 'fixed', '-H', String(httpPort)]);
  await run.waitForOutput("You're up and running!", 15000);
  expect(run.stdout()).toContain(`Starting Dapr with id fixed. HTTP Port: ${httpPort}.`);
  run.child.kill('SIGINT');
  expect((await run.exited).code).toBe(0);
});
