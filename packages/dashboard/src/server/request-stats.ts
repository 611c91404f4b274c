/**
 * @module server/request-stats
 * From two scrapes of a sidecar's metrics to one chart point: requests per second from
 * dapr_http_server_request_count, p50/p95 from dapr_http_server_latency bucket deltas (ms, linear
 * interpolation inside a bucket as PromQL's histogram_quantile does), error rate from status ≥ 500.
 */
import type { Sample } from './prometheus';

export const REQUEST_COUNT = 'dapr_http_server_request_count';
export const LATENCY_BUCKET = 'dapr_http_server_latency_bucket';

/** Cumulative totals of one scrape. */
export interface Totals {
  t: number;
  count: number;
  errors: number;
  /** Upper bound (ms) → cumulative count, summed over every label set. */
  buckets: Map<number, number>;
}

export interface MetricPoint {
  t: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  errorRate: number;
}

export function totalsOf(samples: readonly Sample[], t: number): Totals {
  const totals: Totals = { t, count: 0, errors: 0, buckets: new Map() };
  for (const s of samples) {
    if (s.name === REQUEST_COUNT) {
      totals.count += s.value;
      if (Number(s.labels.status) >= 500) totals.errors += s.value;
    } else if (s.name === LATENCY_BUCKET && s.labels.le !== undefined) {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      totals.buckets.set(le, (totals.buckets.get(le) ?? 0) + s.value);
    }
  }
  return totals;
}

/** The q-quantile of a cumulative histogram (bounds ascending); 0 when it is empty. */
export function quantile(q: number, buckets: ReadonlyArray<[number, number]>): number {
  const total = buckets[buckets.length - 1]?.[1] ?? 0;
  if (total <= 0) return 0;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (bound === Infinity) return prevBound; // above the highest finite bucket
      const inBucket = count - prevCount;
      const frac = inBucket > 0 ? (rank - prevCount) / inBucket : 1;
      return Math.round((prevBound + (bound - prevBound) * frac) * 100) / 100;
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}

/** The point between two scrapes; undefined when the counters went back (the sidecar restarted). */
export function pointBetween(prev: Totals, cur: Totals): MetricPoint | undefined {
  const dt = (cur.t - prev.t) / 1000;
  const dCount = cur.count - prev.count;
  if (dt <= 0 || dCount < 0) return undefined;
  const bounds = [...cur.buckets.keys()].sort((a, b) => a - b);
  const deltas: Array<[number, number]> = bounds.map((b) => [b, Math.max(0, (cur.buckets.get(b) ?? 0) - (prev.buckets.get(b) ?? 0))]);
  return {
    t: cur.t,
    rps: Math.round((dCount / dt) * 1000) / 1000,
    p50Ms: quantile(0.5, deltas),
    p95Ms: quantile(0.95, deltas),
    errorRate: dCount > 0 ? Math.round(((cur.errors - prev.errors) / dCount) * 10000) / 10000 : 0,
  };
}
