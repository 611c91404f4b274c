/**
 * Scenario: two apps in a MINIDAPR_HOME prepared like `minidapr init` (trust root + config.yaml with
 * spec.mtls.enabled) call each other over mTLS with no extra flag; the callee's app sees the caller
 * id from the certificate, whatever headers say.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, startSidecar, stopAll, tempDir, type Sidecar, type TestApp } from '@minidapr/testkit';
import { initMtlsHome } from '../../support/mtls';

jest.setTimeout(30000);

const home = tempDir('minidapr-home-');
let ordersApp: TestApp;
let orders: Sidecar;
let checkout: Sidecar;

beforeAll(async () => {
  const config = await initMtlsHome(home.path);
  ordersApp = await startApp((r) => ({ status: 200, body: `order ${r.body.toString()} from ${r.headers['dapr-caller-app-id']}` }));
  orders = await startSidecar({ appId: 'orders', appPort: ordersApp.port, home: home.path, args: ['--config', config] });
  checkout = await startSidecar({ appId: 'checkout', home: home.path, args: ['--config', config] });
});

afterAll(async () => {
  await Promise.all([orders?.stop(), checkout?.stop()]);
  await ordersApp?.close();
  await stopAll();
  home.remove();
});

it('invokes over mTLS and says so at start-up', async () => {
  const r = await fetch(`${checkout.url}/v1.0/invoke/orders/method/neworder`, { method: 'POST', body: '1' });
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('order 1 from checkout');
  expect(orders.process.output()).toContain('mTLS enabled: workload certificate spiffe://public/ns/default/orders');
  expect(orders.process.output()).not.toContain('mTLS is off');
});

it('the caller id comes from the certificate: headers sent to the public API cannot change it', async () => {
  const r = await fetch(`${checkout.url}/v1.0/invoke/orders/method/neworder`, {
    method: 'POST',
    headers: { 'dapr-caller-app-id': 'admin', 'dapr-caller-namespace': 'kube-system' },
    body: '2',
  });
  expect(await r.text()).toBe('order 2 from checkout');
});

it('serves the sidecar-to-sidecar port with TLS (the registry points peers at it)', async () => {
  const dir = join(home.path, 'instances');
  const entries = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { appId: string; internalPort: number; host: string });
  const o = entries.find((e) => e.appId === 'orders');
  expect(o).toMatchObject({ internalPort: orders.internalPort, host: '127.0.0.1' });
  const plain = await fetch(`http://127.0.0.1:${orders.internalPort}/neworder`, { method: 'POST', body: 'x' }).then(
    (res) => `status ${res.status}`,
    (err: Error) => `refused: ${err.message}`,
  );
  expect(plain).toMatch(/^refused/);
  expect(ordersApp.received.filter((q) => q.body.toString() === 'x')).toHaveLength(0);
});
