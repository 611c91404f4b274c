/**
 * @module server/memory-span-store
 * A small in-memory SpanStore (the collector's interface), used by the server's tests and as the
 * store of tests that inject their own collector backend. Not the collector's SQLite store: no retention, no WAL.
 */
import type { DependencyLink, SpanStore, TraceQuery, ZipkinSpan } from './span-store-types';

export function createMemorySpanStore(): SpanStore {
  const spans: ZipkinSpan[] = [];
  const listeners = new Set<(s: ZipkinSpan[]) => void>();
  const byTrace = (): Map<string, ZipkinSpan[]> => {
    const m = new Map<string, ZipkinSpan[]>();
    for (const s of spans) m.set(s.traceId, [...(m.get(s.traceId) ?? []), s]);
    return m;
  };
  const startOf = (t: ZipkinSpan[]): number => Math.min(...t.map((s) => s.timestamp ?? Infinity));
  return {
    add(list) {
      const norm = list.map((s) => ({ ...s, traceId: s.traceId.toLowerCase(), id: s.id.toLowerCase(), name: s.name?.toLowerCase() }));
      spans.push(...norm);
      for (const l of listeners) l(norm);
    },
    traces(q: TraceQuery) {
      const endUs = (q.endTs ?? Date.now()) * 1000;
      const fromUs = endUs - (q.lookback ?? 86400000) * 1000;
      const match = (s: ZipkinSpan): boolean =>
        (!q.serviceName || s.localEndpoint?.serviceName === q.serviceName.toLowerCase()) &&
        (!q.spanName || s.name === q.spanName.toLowerCase()) &&
        (q.minDuration === undefined || (s.duration ?? 0) >= q.minDuration) &&
        (q.maxDuration === undefined || (s.duration ?? 0) <= q.maxDuration) &&
        (s.timestamp ?? 0) >= fromUs &&
        (s.timestamp ?? 0) <= endUs;
      return [...byTrace().values()]
        .filter((t) => t.some(match))
        .sort((a, b) => startOf(b) - startOf(a))
        .slice(0, q.limit ?? 10);
    },
    trace: (id) => byTrace().get(id.toLowerCase()),
    services: () => [...new Set(spans.map((s) => s.localEndpoint?.serviceName).filter((x): x is string => !!x))].sort(),
    spanNames: (svc) => [...new Set(spans.filter((s) => s.localEndpoint?.serviceName === svc).map((s) => s.name ?? ''))].sort(),
    remoteServices: (svc) =>
      [...new Set(spans.filter((s) => s.localEndpoint?.serviceName === svc).map((s) => s.remoteEndpoint?.serviceName).filter((x): x is string => !!x))].sort(),
    dependencies: (): DependencyLink[] => [],
    spansSince: (since, limit) => spans.filter((s) => (s.timestamp ?? 0) >= since * 1000).slice(-(limit ?? 100000)),
    count: () => spans.length,
    onSpans(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => listeners.clear(),
  };
}
