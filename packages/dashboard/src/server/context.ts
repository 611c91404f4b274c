/**
 * @module server/context
 * What every endpoint handler gets: where MINIDAPR_HOME is, the span store, the collector's ports,
 * the static sidecars, the metrics scraper, the open SSE streams and the timers of the live-event feed.
 */
import type { MetricsScraper } from './metrics-scraper';
import type { SpanStore } from './span-store-types';
import type { SseClients } from './sse';
import type { LiveEvents } from './live-events';
import type { StaticSidecar } from './static-sidecars';

export interface DashboardContext {
  home: string;
  version: string;
  store: SpanStore;
  collector: { enabled: boolean; zipkinPort?: number; otlpPort?: number };
  apiToken?: string;
  /** Sidecars watched without a registry entry (--sidecar). */
  sidecars: readonly StaticSidecar[];
  /** When the dashboard started (a static sidecar's startedAt). */
  since: Date;
  metrics: MetricsScraper;
  sse: SseClients;
  live: LiveEvents;
  /** How often log streams look for new lines. */
  logPollMs: number;
}
