/**
 * @module server/context
 * What every endpoint handler gets: where MINIDAPR_HOME is, the span store, the collector's ports,
 * the metrics scraper, the open SSE streams and the timers of the live-event feed.
 */
import type { MetricsScraper } from './metrics-scraper';
import type { SpanStore } from './span-store-types';
import type { SseClients } from './sse';
import type { LiveEvents } from './live-events';

export interface DashboardContext {
  home: string;
  version: string;
  store: SpanStore;
  collector: { enabled: boolean; zipkinPort?: number; otlpPort?: number };
  apiToken?: string;
  metrics: MetricsScraper;
  sse: SseClients;
  live: LiveEvents;
  /** How often log streams look for new lines. */
  logPollMs: number;
}
