/**
 * @module collector/trace-query
 * Zipkin v2 trace query semantics: defaults, validation and the per-trace test, following
 * zipkin2.storage.QueryRequest (build() and test()). The SQLite store uses SQL only to narrow the
 * candidates; this test decides.
 * https://github.com/openzipkin/zipkin/blob/master/zipkin/src/main/java/zipkin2/storage/QueryRequest.java
 */
import { SpanValidationError } from './normalize';
import type { TraceQuery, ZipkinSpan } from './types';

export const DEFAULT_LOOKBACK_MS = 86_400_000;
export const DEFAULT_TRACE_LIMIT = 10;

/** A validated query with defaults filled in. */
export interface ResolvedTraceQuery {
  serviceName?: string;
  remoteServiceName?: string;
  spanName?: string;
  annotationQuery: Map<string, string>;
  minDuration?: number;
  maxDuration?: number;
  endTs: number;
  lookback: number;
  limit: number;
}

/** `http.method=GET and error` → { http.method: GET, error: '' }; a key=value wins over a bare key. */
export function parseAnnotationQuery(text: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!text) return map;
  for (const part of text.split(' and ')) {
    const idx = part.indexOf('=');
    if (idx === -1) {
      const key = part.trim();
      if (key !== '' && !map.has(key)) map.set(key, '');
    } else {
      const key = part.slice(0, idx).trim();
      if (key !== '') map.set(key, part.slice(idx + 1).trim());
    }
  }
  return map;
}

function emptyToUndefined(v: string | undefined): string | undefined {
  const lower = v?.toLowerCase();
  return lower === '' ? undefined : lower;
}

/** Applies Zipkin's defaults and checks; throws SpanValidationError with Zipkin's messages. */
export function resolveTraceQuery(q: TraceQuery, now = Date.now()): ResolvedTraceQuery {
  const spanName = emptyToUndefined(q.spanName);
  const r: ResolvedTraceQuery = {
    serviceName: emptyToUndefined(q.serviceName),
    remoteServiceName: emptyToUndefined(q.remoteServiceName),
    spanName: spanName === 'all' ? undefined : spanName,
    annotationQuery: parseAnnotationQuery(q.annotationQuery),
    minDuration: q.minDuration,
    maxDuration: q.maxDuration,
    endTs: q.endTs ?? now,
    lookback: q.lookback ?? DEFAULT_LOOKBACK_MS,
    limit: q.limit ?? DEFAULT_TRACE_LIMIT,
  };
  if (!(r.endTs > 0)) throw new SpanValidationError('endTs <= 0');
  if (!(r.limit > 0)) throw new SpanValidationError('limit <= 0');
  if (!(r.lookback > 0)) throw new SpanValidationError('lookback <= 0');
  if (r.minDuration !== undefined) {
    if (!(r.minDuration > 0)) throw new SpanValidationError('minDuration <= 0');
    if (r.maxDuration !== undefined && r.maxDuration < r.minDuration) throw new SpanValidationError('maxDuration < minDuration');
  } else if (r.maxDuration !== undefined) {
    throw new SpanValidationError('maxDuration is only valid with minDuration');
  }
  return r;
}

/** The trace's timestamp as Zipkin sees it: the root span's, else the earliest (µs; 0 when none). */
export function traceTimestamp(spans: ZipkinSpan[]): number {
  let ts = 0;
  for (const s of spans) {
    if (!s.timestamp) continue;
    if (!s.parentId) return s.timestamp;
    if (ts === 0 || ts > s.timestamp) ts = s.timestamp;
  }
  return ts;
}

/** True when the trace matches: every criterion is met by some span of `serviceName` (when given). */
export function traceMatches(q: ResolvedTraceQuery, spans: ZipkinSpan[]): boolean {
  const ts = traceTimestamp(spans);
  if (ts === 0 || ts < (q.endTs - q.lookback) * 1000 || ts > q.endTs * 1000) return false;
  let durationOk = q.minDuration === undefined && q.maxDuration === undefined;
  let serviceSeen = q.serviceName === undefined;
  let remoteOk = q.remoteServiceName === undefined;
  let nameOk = q.spanName === undefined;
  const remaining = new Map(q.annotationQuery);
  for (const s of spans) {
    if (q.serviceName !== undefined && q.serviceName !== s.localEndpoint?.serviceName) continue;
    serviceSeen = true;
    for (const a of s.annotations ?? []) if (remaining.get(a.value) === '') remaining.delete(a.value);
    for (const [k, v] of Object.entries(s.tags ?? {})) {
      const want = remaining.get(k);
      if (want !== undefined && (want === '' || want === v)) remaining.delete(k);
    }
    if (!remoteOk && s.remoteEndpoint?.serviceName === q.remoteServiceName) remoteOk = true;
    if (!nameOk && s.name === q.spanName) nameOk = true;
    if (!durationOk && q.minDuration !== undefined) {
      const d = s.duration ?? 0;
      durationOk = d >= q.minDuration && (q.maxDuration === undefined || d <= q.maxDuration);
    }
  }
  return serviceSeen && remoteOk && nameOk && remaining.size === 0 && durationOk;
}
