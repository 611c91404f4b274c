/** Scenario: SIGTERM lets an in-flight invocation finish, deregisters the sidecar and exits 0. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canBind, startApp, startSidecar, stopAll, waitFor, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

let app: TestApp;
let release: () => void = () => {};

beforeAll(async () => {
  app = await startApp(async (r) => {
    if (r.url === '/slow') await new Promise<void>((resolve) => (release = resolve));
    return { body: `done ${r.url}` };
  });
});

afterAll(async () => {
  release();
  await app?.close();
  await stopAll();
});

it('finishes the in-flight request, refuses new connections, and exits 0', async () => {
  const sidecar = await startSidecar({ appId: 'slowapp', appPort: app.port });
  const registryFile = join(sidecar.home, 'instances', `${sidecar.process.pid}.json`);
  expect(existsSync(registryFile)).toBe(true);
  const inflight = fetch(`${sidecar.url}/v1.0/invoke/slowapp/method/slow`).then(async (r) => [r.status, await r.text()]);
  await waitFor('the app to receive the slow request', () => app.received.some((r) => r.url === '/slow'));
  process.kill(sidecar.process.pid, 'SIGTERM');
  await waitFor('the HTTP port to stop accepting', async () => await canBind(sidecar.httpPort));
  release();
  expect(await inflight).toEqual([200, 'done /slow']);
  expect(await sidecar.process.exited).toEqual({ code: 0, signal: null });
  expect(existsSync(registryFile)).toBe(false);
  expect(sidecar.process.output()).toContain('shutting down gracefully');
  await sidecar.stop();
});

it('stops on POST /v1.0/shutdown', async () => {
  const sidecar = await startSidecar({ appId: 'bye' });
  expect((await fetch(`${sidecar.url}/v1.0/shutdown`, { method: 'POST' })).status).toBe(204);
  expect(await sidecar.process.exited).toEqual({ code: 0, signal: null });
  await sidecar.stop();
});
