import { createMemorySpanStore } from './memory-span-store';
import { HttpError } from './respond';
import type { ZipkinSpan } from './span-store-types';
import { findTraces, parseTraceFilter, summarize } from './traces';

const now = Date.now() * 1000;
const span = (o: Partial<ZipkinSpan> & { id: string; traceId: string; svc: string }): ZipkinSpan => ({
  name: 'op',
  timestamp: now,
  duration: 1000,
  localEndpoint: { serviceName: o.svc },
  ...o,
});

it('summarizes a trace from its root span', () => {
  const s = summarize([
    span({ traceId: 't1', id: 'b', parentId: 'a', svc: 'orders', name: 'callee', timestamp: now + 100, duration: 5000, tags: { error: 'boom' } }),
    span({ traceId: 't1', id: 'a', svc: 'checkout', name: 'caller', duration: 2000 }),
  ]);
  expect(s).toEqual({ traceId: 't1', rootService: 'checkout', rootName: 'caller', start: now, durationUs: 5100, spanCount: 2, services: ['checkout', 'orders'], errorCount: 1 });
});

it('filters by service, operation, status and duration', () => {
  const store = createMemorySpanStore();
  store.add([
    span({ traceId: 'aa', id: '1', svc: 'checkout', name: 'get', duration: 1000 }),
    span({ traceId: 'bb', id: '2', svc: 'orders', name: 'post', duration: 90000, tags: { 'otel.status_code': 'ERROR' } }),
  ]);
  const q = (s: string): string[] => findTraces(store, parseTraceFilter(new URLSearchParams(s))).map((t) => t.traceId);
  expect(q('').sort()).toEqual(['aa', 'bb']);
  expect(q('service=orders')).toEqual(['bb']);
  expect(q('operation=get')).toEqual(['aa']);
  expect(q('status=error')).toEqual(['bb']);
  expect(q('status=ok')).toEqual(['aa']);
  expect(q('minDurationMs=50')).toEqual(['bb']);
  expect(q('limit=1')).toHaveLength(1);
});

it('rejects bad filters with 400', () => {
  expect(() => parseTraceFilter(new URLSearchParams('status=maybe'))).toThrow(HttpError);
  expect(() => parseTraceFilter(new URLSearchParams('limit=-1'))).toThrow(/limit/);
  expect(() => parseTraceFilter(new URLSearchParams('minDurationMs=x'))).toThrow(/minDurationMs/);
});
