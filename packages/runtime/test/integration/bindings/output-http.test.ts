/**
 * Scenario: bindings.http through a sidecar against a local test server. The request body reaches
 * the server as the JSON re-serialisation of `data`, upper-case metadata keys become headers, the
 * answer comes back with `metadata.statusCode`/`metadata.status`/response headers, and a non-2xx
 * answer is a 500 ERR_INVOKE_OUTPUT_BINDING that still carries the metadata headers.
 */
import { componentYaml, startApp, startSidecar, stopAll, type Reply, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

let server: TestApp;
let sidecar: Sidecar;

beforeAll(async () => {
  server = await startApp((r): ReturnType<Reply> => {
    if (r.url === '/api/fail') return { status: 418, headers: { 'x-reason': 'teapot' }, body: 'no coffee' };
    return { status: 201, headers: { 'content-type': 'text/plain', 'x-server': 'test' }, body: `got ${r.method} ${r.body.toString()}` };
  });
  sidecar = await startSidecar({
    appId: 'http-caller',
    resources: { 'web.yaml': componentYaml('web', 'bindings.http', { url: `http://127.0.0.1:${server.port}/api`, responseTimeout: '5s' }) },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await server?.close();
  await stopAll();
});

async function invoke(body: unknown): Promise<Response> {
  return fetch(`${sidecar.url}/v1.0/bindings/web`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

it('posts the data and returns the answer with its metadata as headers', async () => {
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const r = await fetch(`${sidecar.url}/v1.0/bindings/web`, {
    method: 'POST',
    headers: { traceparent },
    body: JSON.stringify({ operation: 'post', data: { order: 7, note: '<b>' }, metadata: { path: '/orders', 'X-Tenant': 'acme', lower: 'no' } }),
  });
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('got POST {"note":"\\u003cb\\u003e","order":7}');
  expect(r.headers.get('metadata.statuscode')).toBe('201');
  expect(r.headers.get('metadata.status')).toBe('201 Created');
  expect(r.headers.get('metadata.x-server')).toBe('test');
  const seen = server.received.at(-1);
  expect(seen?.url).toBe('/api/orders');
  expect(seen?.headers['x-tenant']).toBe('acme');
  expect(seen?.headers.lower).toBeUndefined();
  expect(seen?.headers['content-type']).toBe('application/json; charset=utf-8');
  // The binding's request carries the sidecar's span (tracing is on by default) in the caller's trace.
  expect(seen?.headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
  expect(seen?.headers.traceparent).toBe(r.headers.get('traceparent'));
});

it('sends GET without a body', async () => {
  const r = await invoke({ operation: 'get', data: 'ignored' });
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('got GET ');
});

it('fails a non-2xx answer with the metadata headers', async () => {
  const r = await invoke({ operation: 'get', metadata: { path: 'fail' } });
  expect(r.status).toBe(500);
  expect(await r.json()).toEqual({ errorCode: 'ERR_INVOKE_OUTPUT_BINDING', message: 'error invoking output binding web: received status code 418' });
  expect(r.headers.get('metadata.statuscode')).toBe('418');
  expect(r.headers.get('metadata.x-reason')).toBe('teapot');
});

it('returns the answer of a non-2xx call when errorIfNot2XX is false for the request', async () => {
  const r = await invoke({ operation: 'get', metadata: { path: 'fail', errorIfNot2XX: 'false' } });
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('no coffee');
  expect(r.headers.get('metadata.statuscode')).toBe('418');
});
