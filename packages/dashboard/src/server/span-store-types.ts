/**
 * @module server/span-store-types
 * The collector's TypeScript API as the dashboard server uses it (DASHBOARD-API.md §1), taken from
 * src/collector, plus the backend seam tests use to inject another collector.
 */
import type { CollectorOptions, RunningCollector, SpanStore } from '../collector';

export type {
  CollectorOptions,
  DependencyLink,
  RunningCollector,
  SpanStore,
  TraceQuery,
  ZipkinEndpoint,
  ZipkinSpan,
} from '../collector';

/** What the dashboard needs from the collector module: open the span store, start the receivers. */
export interface CollectorBackend {
  openSpanStore(opts: { path: string; maxSpans?: number; maxAgeMs?: number }): SpanStore;
  defaultSpanStorePath(home: string): string;
  startCollector(opts: CollectorOptions): Promise<RunningCollector>;
}
