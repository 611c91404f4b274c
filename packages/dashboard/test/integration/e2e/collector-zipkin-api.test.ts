/**
 * Spans exported by real minidaprd sidecars (Configuration spec.tracing → Zipkin on a free port)
 * read back through the embedded collector's Zipkin v2 query API: /services, /traces, /trace/{id}
 * and /dependencies see one service invocation from checkout to order-processor.
 */
import { join } from 'node:path';
import { startCollector, openSpanStore, type RunningCollector, type SpanStore, type ZipkinSpan } from '../../../src';
import { APP_A, APP_B, e2eWorld, pollJson, type E2eWorld } from './harness';

jest.setTimeout(60000);
let w: E2eWorld;
let store: SpanStore;
let collector: RunningCollector;

beforeAll(async () => {
  w = await e2eWorld();
  store = openSpanStore({ path: join(w.home.path, 'traces', 'spans.db') });
  collector = await startCollector({ store, host: '127.0.0.1', zipkinPort: w.zipkinPort, otlpPort: null });
  await w.startApps();
});
afterAll(async () => {
  await w?.close();
  await collector?.close();
  store?.close();
});

it('serves the sidecars spans of one invocation through the Zipkin query API', async () => {
  const r = await fetch(`http://127.0.0.1:${w.httpPorts[APP_B]}/v1.0/invoke/${APP_A}/method/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId: 7 }),
  });
  expect(r.status).toBe(200);
  expect(await r.json()).toEqual({ accepted: true, orderId: 7 });

  const api = `http://127.0.0.1:${collector.zipkinPort}/api/v2`;
  const services = await pollJson<string[]>(`${api}/services`, (s) => s.includes(APP_A) && s.includes(APP_B), 'both app ids in /services');
  expect(services).toEqual(expect.arrayContaining([APP_A, APP_B]));

  const spanName = `calllocal/${APP_A}/orders`;
  const traces = await pollJson<ZipkinSpan[][]>(
    `${api}/traces?serviceName=${APP_B}&spanName=${encodeURIComponent(spanName)}`,
    (t) => t.length === 1 && new Set(t[0]?.map((s) => s.localEndpoint?.serviceName)).size === 2,
    'the CallLocal trace with both sidecars spans',
  );
  const traceId = traces[0]?.[0]?.traceId as string;
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);

  const trace = await pollJson<ZipkinSpan[]>(`${api}/trace/${traceId}`, (t) => t.length >= 2, '/trace/{id}');
  const client = trace.find((s) => s.localEndpoint?.serviceName === APP_B && s.kind === 'CLIENT');
  const server = trace.find((s) => s.localEndpoint?.serviceName === APP_A && s.kind === 'SERVER');
  expect(client).toMatchObject({ name: spanName, tags: expect.objectContaining({ 'net.peer.name': APP_A, 'rpc.service': 'ServiceInvocation' }) });
  expect(server).toBeDefined();
  expect(server?.parentId).toBe(client?.id);
  expect(client?.parentId === undefined || !trace.some((s) => s.id === client.parentId)).toBe(true);
  for (const s of trace) expect(s.traceId).toBe(traceId);

  const deps = await pollJson<{ parent: string; child: string; callCount: number }[]>(
    `${api}/dependencies?endTs=${Date.now()}&lookback=600000`,
    (d) => d.some((l) => l.parent === APP_B && l.child === APP_A),
    `the ${APP_B} → ${APP_A} dependency link`,
  );
  expect(deps.find((l) => l.parent === APP_B && l.child === APP_A)?.callCount).toBe(1);
});
