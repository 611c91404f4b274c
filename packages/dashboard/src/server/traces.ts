/**
 * @module server/traces
 * Trace summaries for the Traces view, from the span store with the view's filters.
 */
import { badRequest } from './respond';
import { isErrorSpan, serviceOf } from './span-status';
import type { SpanStore, ZipkinSpan } from './span-store-types';

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  /** epoch µs */
  start: number;
  durationUs: number;
  spanCount: number;
  services: string[];
  errorCount: number;
}

export interface TraceFilter {
  service?: string;
  operation?: string;
  status?: 'ok' | 'error';
  minDurationMs?: number;
  lookbackMs?: number;
  limit?: number;
}

export const DEFAULT_TRACE_LIMIT = 50;
const MAX_TRACE_LIMIT = 1000;

function num(q: URLSearchParams, name: string, max: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > max) throw badRequest(`${name}: must be a number from 0 to ${max} (got "${v}")`);
  return n;
}

export function parseTraceFilter(q: URLSearchParams): TraceFilter {
  const status = q.get('status') || undefined;
  if (status !== undefined && status !== 'ok' && status !== 'error') throw badRequest(`status: must be ok or error (got "${status}")`);
  const limit = num(q, 'limit', MAX_TRACE_LIMIT);
  if (limit !== undefined && !Number.isInteger(limit)) throw badRequest('limit: must be an integer');
  return {
    service: q.get('service') || undefined,
    operation: q.get('operation') || undefined,
    status,
    minDurationMs: num(q, 'minDurationMs', 86400000),
    lookbackMs: num(q, 'lookbackMs', 365 * 86400000),
    limit,
  };
}

/** The span without a parent in the trace (the earliest one when there are several, or none). */
export function rootSpan(spans: readonly ZipkinSpan[]): ZipkinSpan | undefined {
  const ids = new Set(spans.map((s) => s.id));
  const roots = spans.filter((s) => !s.parentId || !ids.has(s.parentId));
  const pool = roots.length > 0 ? roots : spans;
  return [...pool].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))[0];
}

export function summarize(spans: readonly ZipkinSpan[]): TraceSummary {
  const root = rootSpan(spans);
  const starts = spans.map((s) => s.timestamp).filter((t): t is number => typeof t === 'number');
  const start = starts.length > 0 ? Math.min(...starts) : 0;
  const end = Math.max(start, ...spans.map((s) => (s.timestamp ?? start) + (s.duration ?? 0)));
  return {
    traceId: spans[0]?.traceId ?? '',
    rootService: root ? serviceOf(root) : 'unknown',
    rootName: root?.name ?? '',
    start,
    durationUs: end - start,
    spanCount: spans.length,
    services: [...new Set(spans.map(serviceOf))].sort(),
    errorCount: spans.filter(isErrorSpan).length,
  };
}

export function findTraces(store: SpanStore, f: TraceFilter): TraceSummary[] {
  const limit = f.limit ?? DEFAULT_TRACE_LIMIT;
  // The status filter is applied here, after the store's limit: ask for more so it still fills.
  const traces = store.traces({
    serviceName: f.service,
    spanName: f.operation,
    minDuration: f.minDurationMs !== undefined ? Math.round(f.minDurationMs * 1000) : undefined,
    lookback: f.lookbackMs,
    limit: f.status ? Math.min(limit * 5, MAX_TRACE_LIMIT * 5) : limit,
  });
  return traces
    .map(summarize)
    .filter((t) => f.status === undefined || (f.status === 'error') === t.errorCount > 0)
    .slice(0, limit);
}
