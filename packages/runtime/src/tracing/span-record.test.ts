import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanRecord, type SpanSink } from './span-record';

function sink(): SpanSink & { got: SpanRecord[] } {
  const got: SpanRecord[] = [];
  return { got, resource: resourceFromAttributes({ 'service.name': 'app' }), scope: { name: 'minidaprd' }, ended: (s) => got.push(s) };
}

describe('SpanRecord', () => {
  it('sets attributes as the OpenTelemetry SDK does and freezes the span once ended', () => {
    const s = sink();
    const span = new SpanRecord(s, 'a', SpanKind.SERVER, '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', undefined, undefined, { k: 'v', gone: undefined, '': 'x' });
    span.setAttributes({ k: 'w', n: 1 });
    span.end(404);
    span.setName('b');
    span.setAttributes({ late: 'x' });
    span.end();
    expect(s.got).toHaveLength(1);
    const r = span.toReadableSpan();
    expect(r.name).toBe('a');
    expect(r.attributes).toEqual({ k: 'w', n: 1 });
    expect(r.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Code(404): Not Found' });
    expect(span.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('exports as a ReadableSpan with its parent, the shared resource and consistent times', () => {
    const s = sink();
    const parent = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true };
    const span = new SpanRecord(s, 'x', SpanKind.CLIENT, parent.traceId, 'b7ad6b7169203331', parent, undefined);
    span.end(200);
    const r = span.toReadableSpan();
    expect(r.spanContext()).toEqual({ traceId: parent.traceId, spanId: 'b7ad6b7169203331', traceFlags: 1, traceState: undefined });
    expect(r.parentSpanContext).toBe(parent);
    expect(r.status).toEqual({ code: SpanStatusCode.UNSET });
    expect(r.resource.attributes['service.name']).toBe('app');
    expect(r.instrumentationScope.name).toBe('minidaprd');
    expect(r.ended).toBe(true);
    const ns = (t: [number, number]): number => t[0] * 1e9 + t[1];
    expect(ns(r.endTime) - ns(r.startTime)).toBeCloseTo(ns(r.duration), -3);
    expect(Math.abs(ns(r.startTime) / 1e6 - Date.now())).toBeLessThan(5000);
    expect(span.toReadableSpan()).toBe(r);
  });
});
