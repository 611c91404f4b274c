/**
 * Scenario: mTLS off (no config). The sidecar-to-sidecar port stays on loopback even when the API
 * listens on every interface, requires DAPR_API_TOKEN when it is set (the calling sidecar sends it),
 * and start-up warns that caller identity can be spoofed.
 */
import { networkInterfaces } from 'node:os';
import { isListening, startApp, startSidecar, stopAll, tempDir, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

const TOKEN = 'peer-secret';
const home = tempDir('minidapr-home-');
let app: TestApp;
let orders: Sidecar;
let checkout: Sidecar;

beforeAll(async () => {
  app = await startApp((r) => ({ status: 200, body: `hi ${r.headers['dapr-caller-app-id']} token=${r.headers['dapr-api-token'] ?? 'none'}` }));
  const env = { DAPR_API_TOKEN: TOKEN };
  orders = await startSidecar({ appId: 'orders', appPort: app.port, home: home.path, env, args: ['--dapr-listen-addresses', '0.0.0.0'] });
  checkout = await startSidecar({ appId: 'checkout', home: home.path, env });
});

afterAll(async () => {
  await Promise.all([orders?.stop(), checkout?.stop()]);
  await app?.close();
  await stopAll();
  home.remove();
});

const peer = (headers: Record<string, string>) =>
  fetch(`http://127.0.0.1:${orders.internalPort}/hello`, { method: 'POST', headers: { 'dapr-callee-app-id': 'orders', 'dapr-caller-app-id': 'checkout', ...headers } });

it('invokes across sidecars: the caller sidecar presents the token, the app never sees it', async () => {
  const r = await fetch(`${checkout.url}/v1.0/invoke/orders/method/hello`, { method: 'POST', headers: { 'dapr-api-token': TOKEN } });
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('hi checkout token=none');
});

it.each([
  ['no token', {}],
  ['a wrong token', { 'dapr-api-token': 'peer-secreT' }],
  ['a longer token', { 'dapr-api-token': TOKEN + 'x' }],
])('refuses a direct call to the sidecar-to-sidecar port with %s (401)', async (_what, headers) => {
  const before = app.received.length;
  const r = await peer(headers);
  expect(r.status).toBe(401);
  expect(await r.text()).toBe('invalid api token\n');
  expect(app.received.length).toBe(before);
});

it('admits a direct call carrying the token (identity is then only claimed)', async () => {
  const r = await peer({ 'dapr-api-token': TOKEN });
  expect(r.status).toBe(200);
});

it('keeps the sidecar-to-sidecar port on loopback and warns that caller identity can be spoofed', async () => {
  expect(orders.process.output()).toContain(`sidecar-to-sidecar on 127.0.0.1:${orders.internalPort}`);
  expect(orders.process.output()).toContain('mTLS is off');
  expect(orders.process.output()).toContain('any process that can reach it can claim to be any app (it does require DAPR_API_TOKEN)');
  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  if (external) {
    expect(await isListening(orders.httpPort, external.address)).toBe(true); // the API does listen there
    expect(await isListening(orders.internalPort, external.address)).toBe(false);
  }
});
