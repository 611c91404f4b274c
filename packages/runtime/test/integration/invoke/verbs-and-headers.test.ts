/** Scenario: path and header invocation with every verb; query, headers and status codes pass through. */
import { startApp, startSidecar, stopAll, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

let app: TestApp;
let sidecar: Sidecar;

beforeAll(async () => {
  app = await startApp((r) => {
    if (r.url.startsWith('/status/')) return { status: Number(r.url.split('/')[2]), body: `status ${r.url.split('/')[2]}` };
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-app-header': 'from-app', connection: 'keep-alive', 'keep-alive': 'timeout=5' },
      body: JSON.stringify({ method: r.method, url: r.url, body: r.body.toString(), headers: r.headers }),
    };
  });
  sidecar = await startSidecar({ appId: 'nodeapp', appPort: app.port });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await stopAll();
});

const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

describe.each(VERBS)('%s', (verb) => {
  it('reaches the app through /v1.0/invoke/{id}/method/{method}', async () => {
    const hasBody = verb !== 'GET' && verb !== 'OPTIONS';
    const r = await fetch(`${sidecar.url}/v1.0/invoke/nodeapp/method/orders/7?a=1&b=two%20words`, {
      method: verb,
      headers: { 'content-type': 'application/json', 'x-custom': 'abc' },
      body: hasBody ? '{"orderId":"41"}' : undefined,
    });
    expect(r.status).toBe(200);
    const seen = (await r.json()) as { method: string; url: string; body: string; headers: Record<string, string> };
    expect(seen.method).toBe(verb);
    expect(seen.url).toBe('/orders/7?a=1&b=two%20words');
    expect(seen.body).toBe(hasBody ? '{"orderId":"41"}' : '');
    expect(seen.headers['x-custom']).toBe('abc');
  });

  it('reaches the app through any path with the dapr-app-id header', async () => {
    const r = await fetch(`${sidecar.url}/neworder?q=1`, { method: verb, headers: { 'dapr-app-id': 'nodeapp' } });
    const seen = (await r.json()) as { method: string; url: string; headers: Record<string, string> };
    expect([seen.method, seen.url]).toEqual([verb, '/neworder?q=1']);
    expect(seen.headers['dapr-app-id']).toBeUndefined();
  });
});

it('passes HEAD through without a body', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/invoke/nodeapp/method/x`, { method: 'HEAD' });
  expect(r.status).toBe(200);
  expect(app.received.at(-1)?.method).toBe('HEAD');
});

it.each([201, 404, 500])('passes status %d from the app through unchanged', async (status) => {
  const r = await fetch(`${sidecar.url}/v1.0/invoke/nodeapp/method/status/${status}`);
  expect(r.status).toBe(status);
  expect(await r.text()).toBe(`status ${status}`);
});

it('sets identity headers that callers cannot spoof, and strips hop-by-hop and token headers', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/invoke/nodeapp/method/who`, {
    headers: {
      'dapr-caller-app-id': 'mallory',
      'dapr-callee-app-id': 'mallory',
      'dapr-api-token': 'not-for-the-app',
      'proxy-authorization': 'x',
      te: 'trailers',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    },
  });
  const seen = (await r.json()) as { headers: Record<string, string> };
  expect(seen.headers['dapr-caller-app-id']).toBe('nodeapp');
  expect(seen.headers['dapr-callee-app-id']).toBe('nodeapp');
  expect(seen.headers['dapr-api-token']).toBeUndefined();
  expect(seen.headers['proxy-authorization']).toBeUndefined();
  expect(seen.headers.te).toBeUndefined();
  // Tracing is on by default (sampling 0.0001, as daprd): the app's parent is the sidecar's span in
  // the caller's trace, sampled because the caller's was.
  expect(seen.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  expect(seen.headers.traceparent).not.toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  expect(r.headers.get('x-app-header')).toBe('from-app');
  expect(r.headers.get('keep-alive')).not.toBe('timeout=5');
  expect(r.headers.get('traceparent')).toBe(seen.headers.traceparent);
});

it('starts a trace when the caller sends none', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/invoke/nodeapp/method/trace`);
  const seen = (await r.json()) as { headers: Record<string, string> };
  expect(seen.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
});
