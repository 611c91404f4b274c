/** Scenario: registry entries of dead sidecars are ignored and cleaned; a restarted app is found again. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, startSidecar, stopAll, tempDir, waitFor, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

const home = tempDir('minidapr-home-');
let app: TestApp;

beforeAll(async () => {
  app = await startApp(() => ({ body: 'alive' }));
});

afterAll(async () => {
  await app?.close();
  await stopAll();
  home.remove();
});

it('ignores and deletes the entry of a process that no longer exists', async () => {
  const dir = join(home.path, 'instances');
  mkdirSync(dir, { recursive: true });
  const stale = { appId: 'orders', pid: 2147483000, host: '127.0.0.1', httpPort: 1, internalPort: 1, grpcPort: 1, appProtocol: 'http', startedAt: '2020-01-01T00:00:00.000Z', runtimeVersion: '0', cwd: '.', resourcesPaths: [], configPaths: [], extended: {} };
  writeFileSync(join(dir, '2147483000.json'), JSON.stringify(stale));
  const caller = await startSidecar({ appId: 'caller', home: home.path });
  try {
    const r = await fetch(`${caller.url}/v1.0/invoke/orders/method/x`);
    expect(r.status).toBe(500);
    expect(((await r.json()) as { message: string }).message).toMatch(/id: orders.*not found/);
    expect(readdirSync(dir)).not.toContain('2147483000.json');

    // A real 'orders' sidecar appears later: the caller finds it without a restart.
    const orders = await startSidecar({ appId: 'orders', appPort: app.port, home: home.path });
    await waitFor('orders to be resolvable', async () => (await fetch(`${caller.url}/v1.0/invoke/orders/method/x`)).status === 200);
    await orders.stop();
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toEqual([`${caller.process.pid}.json`]);
    const after = await fetch(`${caller.url}/v1.0/invoke/orders/method/x`);
    expect(after.status).toBe(500);
  } finally {
    await caller.stop();
  }
});
