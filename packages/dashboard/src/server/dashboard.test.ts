import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboard, type RunningDashboard } from './dashboard';
import { createMemorySpanStore } from './memory-span-store';
import { NOT_BUILT_PAGE } from './static-files';
import type { SpanStore } from './span-store-types';

let home: string;
let web: string;
let store: SpanStore;
let dash: RunningDashboard;
let sidecar: http.Server;
const seen: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];

/** A fake sidecar registered under `home` with this process's pid (alive), so the registry lists it. */
async function fakeSidecar(): Promise<void> {
  sidecar = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url === '/v1.0/healthz') return void res.writeHead(204).end();
      if (req.url === '/v1.0/metadata') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"orders","components":[{"name":"statestore"}]}');
      res.writeHead(201, { 'content-type': 'text/plain', 'x-echo': 'yes' }).end(`echo ${req.method} ${req.url}`);
    });
  });
  await new Promise<void>((r) => sidecar.listen(0, '127.0.0.1', r));
  const port = (sidecar.address() as AddressInfo).port;
  const logs = join(home, 'logs', 'orders');
  mkdirSync(logs, { recursive: true });
  writeFileSync(join(logs, 'app.log'), 'app one\napp two\n');
  writeFileSync(join(logs, 'daprd.log'), 'sidecar one\n');
  mkdirSync(join(home, 'instances'), { recursive: true });
  writeFileSync(
    join(home, 'instances', `${process.pid}.json`),
    JSON.stringify({
      appId: 'orders', pid: process.pid, host: '127.0.0.1', httpPort: port, internalPort: port, grpcPort: 0, appProtocol: 'http',
      startedAt: new Date(Date.now() - 5000).toISOString(), runtimeVersion: '0.1.0', cwd: home, resourcesPaths: [], configPaths: [],
      extended: { appCommand: 'node app.js', appLogPath: join(logs, 'app.log'), daprdLogPath: join(logs, 'daprd.log') },
    }),
  );
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'dash-home-'));
  web = mkdtempSync(join(tmpdir(), 'dash-web-'));
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(web, 'favicon.svg'), '<svg/>');
  await fakeSidecar();
  store = createMemorySpanStore();
  store.add([{ traceId: 'ab'.repeat(16), id: '1'.repeat(16), name: 'get', timestamp: Date.now() * 1000, duration: 10, localEndpoint: { serviceName: 'orders' } }]);
  dash = await startDashboard({ home, port: 0, host: '127.0.0.1', collector: false, webDir: web, spanStore: store, eventsIntervalMs: 50, logPollMs: 20 });
});

afterAll(async () => {
  await dash.close();
  await new Promise<void>((r) => sidecar.close(() => r()));
  rmSync(home, { recursive: true, force: true });
  rmSync(web, { recursive: true, force: true });
});

const get = async (path: string) => {
  const r = await fetch(dash.url + path);
  return { status: r.status, headers: r.headers, text: await r.text() };
};
const json = async (path: string, init?: RequestInit) => {
  const r = await fetch(dash.url + path, init?.method === 'POST' ? { ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } } : init);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> & unknown[] };
};

it('answers the overview and the apps with health', async () => {
  expect((await json('/api/overview')).body).toMatchObject({ home, apps: 1, collector: { enabled: false, spans: 1 } });
  const apps = await json('/api/apps');
  expect(apps.body).toEqual([expect.objectContaining({ appId: 'orders', pid: process.pid, command: 'node app.js', health: 'healthy', resourcesPaths: [] })]);
  const one = await json('/api/apps/orders');
  expect(one.body).toMatchObject({ appId: 'orders', metadata: { id: 'orders' } });
  expect((await json('/api/apps/ghost')).status).toBe(404);
});

it('reads and streams log files', async () => {
  const logs = await json('/api/apps/orders/logs?tail=1');
  expect(logs.body).toMatchObject({ lines: [{ source: 'sidecar', text: 'sidecar one' }, { source: 'app', text: 'app two' }] });
  expect((await json('/api/apps/orders/logs?source=nope')).status).toBe(400);
  const ac = new AbortController();
  const r = await fetch(`${dash.url}/api/apps/orders/logs/stream?source=app`, { signal: ac.signal });
  expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = (r.body as ReadableStream<Uint8Array>).getReader();
  writeFileSync(join(home, 'logs', 'orders', 'app.log'), 'app one\napp two\napp three\n');
  let text = '';
  while (!text.includes('app three')) text += new TextDecoder().decode((await reader.read()).value);
  expect(text).toContain('event: log\ndata: {"source":"app","text":"app three"}');
  ac.abort();
});

it('sends explorer requests through the sidecar with a sampled traceparent', async () => {
  const r = await json('/api/apps/orders/explore', { method: 'POST', body: JSON.stringify({ kind: 'invoke', targetAppId: 'billing', method: 'pay', verb: 'POST', body: '{}' }) });
  expect(r.status).toBe(200);
  const { traceId, response } = r.body as unknown as { traceId: string; response: { status: number; body: string; headers: Record<string, string> } };
  expect(response).toMatchObject({ status: 201, body: 'echo POST /v1.0/invoke/billing/method/pay', headers: { 'x-echo': 'yes' } });
  const sent = seen.find((s) => s.url === '/v1.0/invoke/billing/method/pay');
  expect(sent?.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  const bad = await json('/api/apps/orders/explore', { method: 'POST', body: '{"kind":"state-get","store":"s"}' });
  expect(bad).toEqual({ status: 400, body: { error: expect.stringMatching(/^key:/) } });
  expect((await json('/api/apps/orders/explore', { method: 'POST', body: '{oops' })).status).toBe(400);
});

it('serves traces, graph and metrics', async () => {
  expect((await json('/api/traces')).body).toEqual([expect.objectContaining({ traceId: 'ab'.repeat(16), rootService: 'orders', spanCount: 1 })]);
  expect((await json(`/api/traces/${'ab'.repeat(16)}`)).body).toMatchObject({ traceId: 'ab'.repeat(16), spans: [{ id: '1'.repeat(16) }] });
  expect((await json(`/api/traces/${'cd'.repeat(16)}`)).status).toBe(404);
  expect((await json('/api/graph')).body).toMatchObject({ nodes: [{ id: 'app:orders', kind: 'app' }], edges: [] });
  expect((await json('/api/graph?lookbackMs=-1')).status).toBe(400);
  expect((await json('/api/metrics')).body).toEqual({ apps: [expect.objectContaining({ appId: 'orders', error: expect.stringContaining('no metrics port') })] });
});

it('answers unknown API paths and methods with JSON errors', async () => {
  expect(await json('/api/nope')).toEqual({ status: 404, body: { error: 'no API endpoint /api/nope' } });
  expect((await json('/api/apps', { method: 'POST' })).status).toBe(405);
});

it('serves static files with types and cache headers, safely', async () => {
  const asset = await get('/assets/app-1234.js');
  expect(asset.status).toBe(200);
  expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(asset.headers.get('cache-control')).toContain('immutable');
  expect((await get('/favicon.svg')).headers.get('cache-control')).toBe('no-cache');
  expect(await get('/')).toMatchObject({ status: 200, text: NOT_BUILT_PAGE });
  expect((await get('/missing.js')).status).toBe(404);
  expect((await get('/..%2f..%2f..%2fetc%2fpasswd')).status).toBe(400);
});

it('pushes live events, then only changes, and ends streams on close', async () => {
  const ac = new AbortController();
  const r = await fetch(`${dash.url}/api/events`, { signal: ac.signal });
  const reader = (r.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (!text.includes('event: metrics')) text += new TextDecoder().decode((await reader.read()).value);
  expect(text).toMatch(/event: apps\ndata: \[\{"appId":"orders"/);
  expect(text).toContain('event: traces');
  expect(text).toContain('event: graph');
  store.add([{ traceId: 'ef'.repeat(16), id: '2'.repeat(16), name: 'post', timestamp: Date.now() * 1000, localEndpoint: { serviceName: 'orders' } }]);
  text = '';
  while (!text.includes('event: traces')) text += new TextDecoder().decode((await reader.read()).value);
  expect(text).toContain('ef'.repeat(16));
  ac.abort();
});

describe('browser guard', () => {
  const api = (headers: Record<string, string>, init: RequestInit = {}) => fetch(`${dash.url}/api/overview`, { ...init, headers });

  it('refuses a Host name that could be a DNS-rebinding page', async () => {
    const port = new URL(dash.url).port;
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/api/overview', headers: { host: `evil.example:${port}` } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toContain('evil.example');
  });

  it('refuses requests a browser marks as cross-site, and form-style POSTs', async () => {
    expect((await api({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await api({ origin: 'http://evil.example' })).status).toBe(403);
    const form = await fetch(`${dash.url}/api/apps/orders/explore`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"kind":"state-get","store":"s","key":"k"}' });
    expect(form.status).toBe(415);
  });

  it('serves its own page: same-origin requests and tools without browser headers', async () => {
    expect((await api({ origin: dash.url, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await api({})).status).toBe(200);
  });
});
