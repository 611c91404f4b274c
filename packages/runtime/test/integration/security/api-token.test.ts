/** Scenario: with DAPR_API_TOKEN every route but exactly GET /v1.0/healthz(/outbound) needs the token. */
import { startApp, startSidecar, stopAll, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

let app: TestApp;
let sidecar: Sidecar;
const TOKEN = 'tok-123';

beforeAll(async () => {
  app = await startApp();
  sidecar = await startSidecar({ appId: 'secure', appPort: app.port, env: { DAPR_API_TOKEN: TOKEN } });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await stopAll();
});

it.each(['/v1.0/healthz', '/v1.0/healthz/outbound'])('GET %s is exempt', async (path) => {
  expect((await fetch(sidecar.url + path)).status).toBe(204);
});

it.each([
  ['GET', '/v1.0/metadata'],
  ['POST', '/v1.0/healthz'],
  ['GET', '/v1.0/invoke/secure/method/something?foo=/healthz'],
  ['GET', '/v1.0/invoke/secure/method/healthz'],
  ['GET', '/v1.0/invoke/secure/method/v1.0/healthz'],
  ['POST', '/neworder'],
  ['POST', '/v1.0/shutdown'],
])('%s %s without the token is 401 and never reaches the app', async (method, path) => {
  const before = app.received.length;
  const r = await fetch(sidecar.url + path, { method, headers: { 'dapr-app-id': 'secure' } });
  expect(r.status).toBe(401);
  expect(await r.text()).toBe('invalid api token\n');
  expect(app.received.length).toBe(before);
});

it('lets the right token through and does not forward it to the app', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/invoke/secure/method/ok`, { headers: { 'dapr-api-token': TOKEN } });
  expect(r.status).toBe(200);
  expect(app.received.at(-1)?.headers['dapr-api-token']).toBeUndefined();
});
