/**
 * @module collector/trace-candidates
 * The SQL half of a trace query: one pass over the spans in the time window, grouped by trace,
 * keeping traces where every criterion is met by some span (of the service, when one is given),
 * newest first. It may let through traces the exact Zipkin test (trace-query.ts) then rejects, never
 * the other way round — except for spans that started outside the window, which it does not see.
 * Annotation queries match against a per-span `terms` column: "\n"-separated tag keys,
 * `key=value` pairs and annotation values.
 */
import type { ResolvedTraceQuery } from './trace-query';
import type { ZipkinSpan } from './types';

const SEP = '\n';

/** The searchable terms of a span, "\n"-delimited on both ends so `instr` matches whole terms. */
export function spanTerms(s: ZipkinSpan): string {
  const terms: string[] = [];
  for (const [k, v] of Object.entries(s.tags ?? {})) terms.push(k, `${k}=${v}`);
  for (const a of s.annotations ?? []) terms.push(a.value);
  return terms.length > 0 ? SEP + terms.join(SEP) + SEP : '';
}

export interface CandidateSql {
  /** Stable for a given set of criteria, so prepared statements can be cached by it. */
  key: string;
  sql: string;
  /** Parameters before LIMIT and OFFSET. */
  params: (string | number)[];
}

/** Builds the candidate query for a resolved trace query. */
export function candidateSql(q: ResolvedTraceQuery): CandidateSql {
  const where = ['ts BETWEEN ? AND ?'];
  const params: (string | number)[] = [(q.endTs - q.lookback) * 1000, q.endTs * 1000];
  const having: string[] = [];
  const havingParams: (string | number)[] = [];
  const key: string[] = [];
  if (q.serviceName !== undefined) {
    where.push('service = ?');
    params.push(q.serviceName);
    key.push('s');
  }
  if (q.spanName !== undefined) {
    having.push('MAX(name = ?)');
    havingParams.push(q.spanName);
    key.push('n');
  }
  if (q.remoteServiceName !== undefined) {
    having.push('MAX(remote_service = ?)');
    havingParams.push(q.remoteServiceName);
    key.push('r');
  }
  if (q.minDuration !== undefined) {
    having.push(q.maxDuration !== undefined ? 'MAX(duration >= ? AND duration <= ?)' : 'MAX(duration >= ?)');
    havingParams.push(q.minDuration, ...(q.maxDuration !== undefined ? [q.maxDuration] : []));
    key.push(q.maxDuration !== undefined ? 'dd' : 'd');
  }
  for (const [k, v] of q.annotationQuery) {
    having.push('MAX(instr(terms, ?) > 0)');
    havingParams.push(SEP + (v === '' ? k : `${k}=${v}`) + SEP);
    key.push('a');
  }
  const sql = `SELECT trace_key FROM spans WHERE ${where.join(' AND ')} GROUP BY trace_key${having.length > 0 ? ` HAVING ${having.join(' AND ')}` : ''}
    ORDER BY MAX(ts) DESC LIMIT ? OFFSET ?`;
  return { key: key.join(','), sql, params: [...params, ...havingParams] };
}
