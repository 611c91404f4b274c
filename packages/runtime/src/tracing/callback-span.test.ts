import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OutgoingHttpHeaders } from 'node:http';
import { startDeliverySpan, startInputBindingSpan } from './callback-span';
import { createTracing, type Tracing } from './tracer';

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
let spans: ReadableSpan[];
let tracing: Tracing;

beforeEach(() => {
  spans = [];
  const exporter = {
    export(s: ReadableSpan[], done: (r: ExportResult) => void) {
      spans.push(...s);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => undefined,
  };
  tracing = createTracing({ appId: 'sub', config: { samplingRate: 1, stdout: false }, metrics: { dropped: () => undefined, exported: () => undefined }, exporters: [exporter] }) as Tracing;
});

describe('startDeliverySpan', () => {
  it("makes the delivery a CONSUMER child of the CloudEvent's context and points the app's headers at it", async () => {
    const headers: OutgoingHttpHeaders = { traceparent: PARENT, tracestate: 'k=v' };
    const span = startDeliverySpan(tracing, 'pubsub', 'orders', headers);
    expect(headers.traceparent).toBe(span?.traceparent);
    expect(headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(headers.tracestate).toBe('k=v');
    span?.end(200);
    await tracing.flush();
    expect(spans[0]?.name).toBe('pubsub/orders');
    expect(spans[0]?.kind).toBe(4); // CONSUMER
    expect(spans[0]?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(spans[0]?.attributes).toMatchObject({ 'messaging.system': 'pubsub', 'messaging.destination': 'orders', 'dapr.pubsub': 'pubsub' });
  });

  it('starts nothing without a tracer or without a trace context in the event (as daprd)', () => {
    expect(startDeliverySpan(undefined, 'p', 't', { traceparent: PARENT })).toBeUndefined();
    const headers: OutgoingHttpHeaders = {};
    expect(startDeliverySpan(tracing, 'p', 't', headers)).toBeUndefined();
    expect(headers.traceparent).toBeUndefined();
  });

  it('marks a delivery the app did not acknowledge as an error', async () => {
    startDeliverySpan(tracing, 'p', 't', { traceparent: PARENT })?.end(500);
    await tracing.flush();
    expect(spans[0]?.status).toEqual({ code: 2, message: 'Code(500): Internal Server Error' });
  });
});

describe('startInputBindingSpan', () => {
  it('names the event bindings/<name> with the bindings attributes, a new root without a traceparent', async () => {
    startInputBindingSpan(tracing, 'tick', '/tick')?.end();
    await tracing.flush();
    expect(spans[0]?.name).toBe('bindings/tick');
    expect(spans[0]?.parentSpanContext).toBeUndefined();
    expect(spans[0]?.attributes).toMatchObject({ 'db.system': 'bindings', 'db.name': 'tick', 'rpc.service': 'Dapr' });
  });
});
