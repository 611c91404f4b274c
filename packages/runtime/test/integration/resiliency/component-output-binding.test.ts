/**
 * Scenario: bindings.http output bindings under outbound policies (Dapr's e2e counts), against a
 * counting HTTP server. `web` (fiveRetries): a path that fails 3 times then answers is called 4
 * times and the caller gets the answer; a path that always fails is called exactly 6 times and the
 * caller gets ERR_INVOKE_OUTPUT_BINDING. `web-fast` (300ms timeout + fiveRetries): a path whose first
 * 3 calls take 2s is cut each time and succeeds on the 4th, well before the slow answers. `plain`
 * (no policy) is called once.
 */
import { componentYaml, startApp, startSidecar, stopAll, type Sidecar, type TestApp } from '@minidapr/testkit';
import { resiliencyYaml } from './component-fixtures';

jest.setTimeout(30000);

let server: TestApp;
let sidecar: Sidecar;
const calls = new Map<string, number>();

beforeAll(async () => {
  server = await startApp(async (r) => {
    const n = (calls.get(r.url) ?? 0) + 1;
    calls.set(r.url, n);
    if (r.url === '/api/recover') return n <= 3 ? { status: 500, body: 'not yet' } : { status: 200, body: `ok after ${n}` };
    if (r.url === '/api/slow') {
      if (n <= 3) await new Promise((resolve) => setTimeout(resolve, 2000).unref());
      return { status: 200, body: `call ${n}` };
    }
    return { status: 500, body: 'always failing' };
  });
  const url = `http://127.0.0.1:${server.port}/api`;
  sidecar = await startSidecar({
    appId: 'binding-caller',
    resources: {
      'web.yaml': componentYaml('web', 'bindings.http', { url }),
      'web-fast.yaml': componentYaml('web-fast', 'bindings.http', { url }),
      'plain.yaml': componentYaml('plain', 'bindings.http', { url }),
      'resiliency.yaml': resiliencyYaml(
        ['    components:', '      web:', '        outbound:', '          retry: fiveRetries', '      web-fast:', '        outbound:', '          timeout: fast', '          retry: fiveRetries'].join('\n'),
      ),
    },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await server?.close();
  await stopAll();
});

const invoke = (binding: string, path: string) =>
  fetch(`${sidecar.url}/v1.0/bindings/${binding}`, { method: 'POST', body: JSON.stringify({ operation: 'post', data: {}, metadata: { path } }) });

it('retries a failing call and returns the answer once it recovers (4 calls)', async () => {
  const r = await invoke('web', '/recover');
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('ok after 4');
  expect(calls.get('/api/recover')).toBe(4);
});

it('gives up after 5 retries (6 calls) with ERR_INVOKE_OUTPUT_BINDING', async () => {
  const r = await invoke('web', '/exhaust');
  expect(r.status).toBe(500);
  const body = (await r.json()) as { errorCode: string; message: string };
  expect(body.errorCode).toBe('ERR_INVOKE_OUTPUT_BINDING');
  expect(body.message).toMatch(/^error invoking output binding web: /);
  expect(calls.get('/api/exhaust')).toBe(6);
});

it('cuts slow calls at the per-attempt timeout and retries (4 calls)', async () => {
  const started = Date.now();
  const r = await invoke('web-fast', '/slow');
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('call 4');
  expect(calls.get('/api/slow')).toBe(4);
  // Three 300ms attempts cut, then a fast one: far below one 2s answer.
  expect(Date.now() - started).toBeLessThan(1900);
});

it('calls a binding without a policy once', async () => {
  const r = await invoke('plain', '/plain');
  expect(r.status).toBe(500);
  expect(calls.get('/api/plain')).toBe(1);
});
