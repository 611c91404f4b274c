/**
 * @module tracing/metrics
 * The tracing pipeline's own counters on the sidecar's metrics port (Dapr has none; these are
 * minidapr's): spans exported, and spans dropped because the export queue was full or the
 * collector failed or did not answer.
 */
import { Counter, type Registry } from 'prom-client';
import type { DropReason } from './batch';

export const SPANS_DROPPED_METRIC = 'minidapr_tracing_spans_dropped_total';
export const SPANS_EXPORTED_METRIC = 'minidapr_tracing_spans_exported_total';

export interface TracingMetrics {
  dropped(reason: DropReason, count: number): void;
  exported(count: number): void;
}

export function createTracingMetrics(registry: Registry | undefined): TracingMetrics {
  if (!registry) return { dropped() {}, exported() {} };
  const dropped = new Counter({
    name: SPANS_DROPPED_METRIC,
    help: 'Spans not exported: reason="queue_full" (the bounded export queue was full) or "export_failed" (the collector refused, failed or timed out)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const exported = new Counter({ name: SPANS_EXPORTED_METRIC, help: 'Spans the collector accepted', registers: [registry] });
  // Both reasons show up at 0 from the start, so a scrape can tell "none dropped" from "not traced".
  dropped.inc({ reason: 'queue_full' }, 0);
  dropped.inc({ reason: 'export_failed' }, 0);
  return {
    dropped: (reason, count) => dropped.inc({ reason }, count),
    exported: (count) => exported.inc(count),
  };
}
