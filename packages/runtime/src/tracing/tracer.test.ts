import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describeApiCall } from './api-span';
import type { IncomingMessage } from 'node:http';
import { createTracing, type Tracing } from './tracer';

const noMetrics = { dropped: () => undefined, exported: () => undefined };
const SAMPLED = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const UNSAMPLED = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';

function collecting(rate: number): { tracing: Tracing; spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  const exporters = [
    {
      export(s: ReadableSpan[], done: (r: ExportResult) => void) {
        spans.push(...s);
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => undefined,
    },
  ];
  const tracing = createTracing({ appId: 'app', config: { samplingRate: rate, stdout: false }, metrics: noMetrics, exporters, batch: { delayMs: 60000 } });
  if (!tracing) throw new Error('no tracer');
  return { tracing, spans };
}

describe('createTracing', () => {
  it('builds nothing at sampling 0 (call sites keep the plain pass-through)', () => {
    expect(createTracing({ appId: 'a', config: { samplingRate: 0, stdout: false }, metrics: noMetrics })).toBeUndefined();
  });

  it('continues a sampled incoming trace (parent-based) and hands on its own span id', async () => {
    const { tracing, spans } = collecting(0.0001);
    const s = tracing.start('x', 'SERVER', SAMPLED, 'k=v');
    expect(s.recording).toBe(true);
    expect(s.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(s.traceparent).not.toBe(SAMPLED);
    expect(s.tracestate).toBe('k=v');
    s.end(500);
    await tracing.flush();
    expect(spans).toHaveLength(1);
    expect(spans[0]?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(spans[0]?.status).toEqual({ code: 2, message: 'Code(500): Internal Server Error' });
  });

  it('honours an unsampled parent: a new span id with flag 00, nothing exported', async () => {
    const { tracing, spans } = collecting(1);
    const s = tracing.start('x', 'SERVER', UNSAMPLED);
    expect(s.recording).toBe(false);
    expect(s.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
    s.end();
    await tracing.flush();
    expect(spans).toHaveLength(0);
  });

  it('samples new traces at rate 1', () => {
    const { tracing } = collecting(1);
    expect(tracing.start('x', 'SERVER').traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});

describe('describeApiCall', () => {
  const req = (headers: Record<string, string> = {}, url = '/x'): IncomingMessage => ({ headers, url }) as unknown as IncomingMessage;

  it('names an invocation CallLocal/<app>/<method> as a CLIENT span', () => {
    const d = describeApiCall({ method: 'POST', path: '/v1.0/invoke/b/method/x', group: 'invoke', params: { id: 'b', method: 'x' } }, req());
    expect(d).toMatchObject({ name: 'CallLocal/b/x', kind: 'CLIENT' });
    expect(d.attributes).toMatchObject({ 'rpc.service': 'ServiceInvocation', 'net.peer.name': 'b', 'dapr.invoke_method': 'x', 'dapr.api': 'POST /v1.0/invoke/b/method/x', 'dapr.protocol': 'http' });
  });

  it('takes the target of the dapr-app-id header form', () => {
    expect(describeApiCall({ method: 'GET', path: '/orders/1', group: 'invoke', params: {} }, req({ 'dapr-app-id': 'b' })).name).toBe('CallLocal/b/orders/1');
  });

  it('gives state, secrets and bindings their db.* attributes', () => {
    expect(describeApiCall({ method: 'GET', path: '/v1.0/state/s/k', group: 'state', params: { storeName: 's', key: 'k' } }, req()).attributes).toMatchObject({ 'db.system': 'state', 'db.name': 's', 'db.statement': 'GET /v1.0/state/s/k' });
    expect(describeApiCall({ method: 'GET', path: '/v1.0/secrets/v/k', group: 'secrets', params: { secretStoreName: 'v' } }, req()).attributes).toMatchObject({ 'db.system': 'secrets', 'db.name': 'v' });
    const b = describeApiCall({ method: 'POST', path: '/v1.0/bindings/out', group: 'bindings', params: { name: 'out' } }, req());
    expect(b).toMatchObject({ kind: 'CLIENT', name: '/v1.0/bindings/out' });
    expect(b.attributes).toMatchObject({ 'db.system': 'bindings', 'db.name': 'out' });
  });

  it('makes a publish a PRODUCER span with messaging attributes', () => {
    const d = describeApiCall({ method: 'POST', path: '/v1.0/publish/p/t', group: 'publish', params: { pubsubname: 'p', topic: 't' } }, req());
    expect(d.kind).toBe('PRODUCER');
    expect(d.attributes).toMatchObject({ 'messaging.system': 'pubsub', 'messaging.destination': 't', 'messaging.destination.name': 't', 'messaging.destination_kind': 'topic', 'dapr.pubsub': 'p' });
  });
});
