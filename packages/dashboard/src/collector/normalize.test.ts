import { normalizeSpan, normalizeSpanId, normalizeSpans, normalizeTraceId, SpanValidationError, traceKey } from './normalize';

describe('normalizeTraceId', () => {
  it('lower-cases and pads to 16 or 32 hex characters', () => {
    expect(normalizeTraceId('ABC')).toBe('0000000000000abc');
    expect(normalizeTraceId('1'.repeat(20))).toBe('0'.repeat(12) + '1'.repeat(20));
    expect(normalizeTraceId('A'.repeat(32))).toBe('a'.repeat(32));
  });

  it('drops an all-zero high half, so the 64-bit and zero-padded 128-bit forms are one trace', () => {
    expect(normalizeTraceId('0'.repeat(16) + '463ac35c9f6413ad')).toBe('463ac35c9f6413ad');
  });

  it('rejects non-hex, too long and all-zero ids', () => {
    expect(() => normalizeTraceId('xyz')).toThrow(SpanValidationError);
    expect(() => normalizeTraceId('1'.repeat(33))).toThrow('traceId.length > 32');
    expect(() => normalizeTraceId('0000')).toThrow('all zeros');
    expect(() => normalizeTraceId(undefined)).toThrow('traceId is required');
  });

  it('groups traces by their low 64 bits', () => {
    expect(traceKey('a'.repeat(16) + 'b'.repeat(16))).toBe('b'.repeat(16));
    expect(traceKey('b'.repeat(16))).toBe('b'.repeat(16));
  });
});

describe('normalizeSpan', () => {
  it('normalises ids, names, kinds and drops empty values', () => {
    const span = normalizeSpan({
      traceId: 'ABCDEF', id: 'F', parentId: '0000000000000000', name: 'GET /Orders', kind: 'server',
      timestamp: 1700000000.4, duration: 0, localEndpoint: { serviceName: 'Checkout', port: 0 },
      remoteEndpoint: { serviceName: '' }, tags: { n: 1, b: true, s: 'x' }, annotations: [], debug: false,
    });
    expect(span).toEqual({
      traceId: '0000000000abcdef', id: '000000000000000f', name: 'get /orders', kind: 'SERVER',
      timestamp: 1700000000, localEndpoint: { serviceName: 'checkout' }, tags: { n: '1', b: 'true', s: 'x' },
    });
  });

  it('rounds durations under one microsecond up, as Zipkin does', () => {
    expect(normalizeSpan({ traceId: '1', id: '2', duration: 0.3 }).duration).toBe(1);
  });

  it('sorts annotations and keeps shared and debug flags', () => {
    const span = normalizeSpan({ traceId: '1', id: '2', shared: true, debug: true, annotations: [{ timestamp: 5, value: 'b' }, { timestamp: 1, value: 'a' }] });
    expect(span.annotations).toEqual([{ timestamp: 1, value: 'a' }, { timestamp: 5, value: 'b' }]);
    expect(span.shared).toBe(true);
    expect(span.debug).toBe(true);
  });

  it('rejects bad shapes with a message naming the field and span', () => {
    expect(() => normalizeSpans({})).toThrow('expected a JSON array');
    expect(() => normalizeSpans([{ traceId: '1', id: '2' }, { traceId: '1', id: '3', kind: 'INTERNAL' }])).toThrow(/^span 1: kind must be one of/);
    expect(() => normalizeSpan({ traceId: '1', id: '2', timestamp: -1 })).toThrow('timestamp must be');
    expect(() => normalizeSpan({ traceId: '1', id: '2', tags: { a: {} } })).toThrow('tags.a must be a string');
    expect(() => normalizeSpan({ traceId: '1', id: '2', annotations: [{ value: 'x' }] })).toThrow('annotations[0].timestamp is required');
    expect(() => normalizeSpanId('1'.repeat(17))).toThrow('id.length > 16');
  });
});
