/** Scenario: two apps call each other through two sidecars (caller sidecar -> target sidecar -> app). */
import { startApp, startSidecar, stopAll, tempDir, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

const home = tempDir('minidapr-home-');
let ordersApp: TestApp;
let checkoutApp: TestApp;
let orders: Sidecar;
let checkout: Sidecar;

beforeAll(async () => {
  ordersApp = await startApp((r) => ({ status: 201, headers: { 'content-type': 'text/plain' }, body: `order ${r.body.toString()} from ${r.headers['dapr-caller-app-id']}` }));
  // checkout's app calls orders through its own sidecar when asked.
  checkoutApp = await startApp(async (r) => {
    const res = await fetch(`${checkout.url}/v1.0/invoke/orders/method/neworder`, { method: 'POST', body: r.body.toString() });
    return { status: res.status, body: `checkout relayed: ${await res.text()}` };
  });
  orders = await startSidecar({ appId: 'orders', appPort: ordersApp.port, home: home.path });
  checkout = await startSidecar({ appId: 'checkout', appPort: checkoutApp.port, home: home.path });
});

afterAll(async () => {
  await Promise.all([orders?.stop(), checkout?.stop()]);
  await Promise.all([ordersApp?.close(), checkoutApp?.close()]);
  await stopAll();
  home.remove();
});

it('delivers a call from one sidecar to another app, with the caller identified', async () => {
  const r = await fetch(`${checkout.url}/v1.0/invoke/orders/method/neworder`, { method: 'POST', body: '{"orderId":1}' });
  expect(r.status).toBe(201);
  expect(await r.text()).toBe('order {"orderId":1} from checkout');
  const seen = ordersApp.received.at(-1);
  expect(seen?.headers['dapr-callee-app-id']).toBe('orders');
  expect(seen?.headers['x-forwarded-host']).toBeDefined();
});

it('lets the apps call each other (orders sidecar -> checkout app -> checkout sidecar -> orders app)', async () => {
  const r = await fetch(`${orders.url}/v1.0/invoke/checkout/method/relay`, { method: 'POST', body: '{"orderId":2}' });
  expect(r.status).toBe(201);
  expect(await r.text()).toBe('checkout relayed: order {"orderId":2} from checkout');
});

it('supports the dapr-app-id header form across sidecars', async () => {
  const r = await fetch(`${checkout.url}/neworder`, { method: 'POST', headers: { 'dapr-app-id': 'orders' }, body: '3' });
  expect(await r.text()).toBe('order 3 from checkout');
});

it('answers ERR_DIRECT_INVOKE 500 naming an unknown app', async () => {
  const r = await fetch(`${checkout.url}/v1.0/invoke/nobody/method/x`);
  expect(r.status).toBe(500);
  const body = (await r.json()) as { errorCode: string; message: string };
  expect(body.errorCode).toBe('ERR_DIRECT_INVOKE');
  expect(body.message).toContain('id: nobody');
});
