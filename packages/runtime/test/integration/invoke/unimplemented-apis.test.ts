/**
 * Scenario (issue 11): on a spawned sidecar, daprd API routes minidapr does not implement answer
 * 501 ERR_API_UNIMPLEMENTED naming the API; everything else keeps daprd's routing — a path that is
 * no API route goes to service invocation (proxied with dapr-app-id, 404 ERR_DIRECT_INVOKE without),
 * including DELETE /v1.0/state/{store} without a key.
 */
import { componentYaml, startApp, startSidecar, stopAll, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

let app: TestApp;
let sidecar: Sidecar;

beforeAll(async () => {
  app = await startApp((r) => ({ body: `app got ${r.method} ${r.url}` }));
  sidecar = await startSidecar({ appId: 'checkout', appPort: app.port, resources: { 'statestore.yaml': componentYaml('statestore', 'state.in-memory') } });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await stopAll();
});

async function call(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const r = await fetch(`${sidecar.url}${path}`, { method, headers, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });
  return { status: r.status, body: await r.text() };
}

it.each([
  ['POST', '/v1.0/actors/Cart/1/method/add', 'actors', 'InvokeActor'],
  ['GET', '/v1.0/configuration/config?key=a', 'configuration', 'GetConfiguration'],
  ['GET', '/v1.0-alpha1/configuration/config/subscribe', 'configuration', 'SubscribeConfigurationAlpha1'],
  ['POST', '/v1.0-alpha1/lock/lockstore', 'distributed lock', 'TryLockAlpha1'],
  ['POST', '/v1.0-beta1/workflows/dapr/OrderFlow/start?instanceID=1', 'workflow', 'StartWorkflowBeta1'],
  ['GET', '/v1.0/workflows/dapr/1', 'workflow', 'GetWorkflow'],
  ['DELETE', '/v1.0-alpha1/jobs/nightly', 'jobs', 'DeleteJobAlpha1'],
  ['PUT', '/v1.0-alpha1/crypto/vault/encrypt', 'cryptography', 'EncryptAlpha1'],
  ['POST', '/v1.0-alpha1/subtlecrypto/vault/sign', 'cryptography (subtle)', 'SubtleSignAlpha1'],
  ['POST', '/v1.0-alpha2/conversation/echo/converse', 'conversation', 'ConverseAlpha2'],
])('%s %s answers 501 naming the %s API', async (method, path, api, endpoint) => {
  const r = await call(method, path);
  expect(r.status).toBe(501);
  const body = JSON.parse(r.body) as { errorCode: string; message: string };
  expect(body.errorCode).toBe('ERR_API_UNIMPLEMENTED');
  expect(body.message).toBe(`the ${api} API (${endpoint}) is not supported by minidapr; it implements service invocation, state, pub/sub, bindings, secrets and metadata`);
});

it('still proxies a non-API path that carries dapr-app-id', async () => {
  expect(await call('POST', '/orders', { 'dapr-app-id': 'checkout' })).toEqual({ status: 200, body: 'app got POST /orders' });
});

it('answers DELETE /v1.0/state/{store} without a key as daprd: service invocation', async () => {
  expect(await call('DELETE', '/v1.0/state/statestore')).toEqual({
    status: 404,
    body: '{"errorCode":"ERR_DIRECT_INVOKE","message":"failed getting app id either from the URL path or the header dapr-app-id"}',
  });
  expect(await call('DELETE', '/v1.0/state/statestore', { 'dapr-app-id': 'checkout' })).toEqual({ status: 200, body: 'app got DELETE /v1.0/state/statestore' });
});
