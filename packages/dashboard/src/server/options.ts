/**
 * @module server/options
 * startDashboard's options (DASHBOARD-API.md §3) and their defaults, plus the injection points
 * tests and the integrator use (span store, collector backend, intervals).
 */
import { join } from 'node:path';
import type { CollectorBackend, SpanStore } from './span-store-types';
import type { StaticSidecar } from './static-sidecars';

export const DEFAULT_DASHBOARD_HOST = 'localhost';
export const DEFAULT_DASHBOARD_PORT = 8080;
export { DEFAULT_ZIPKIN_PORT, DEFAULT_OTLP_HTTP_PORT as DEFAULT_OTLP_PORT } from '../collector';

export interface DashboardOptions {
  home: string;
  /** Default localhost. */
  host?: string;
  /** Default 8080; 0 = a random free port. */
  port?: number;
  /** The embedded collector's ports (0 = random; otlpPort null = no OTLP receiver), or false for none. */
  collector?: { zipkinPort?: number; otlpPort?: number | null } | false;
  /** The built UI; default: the package's dist/web. */
  webDir?: string;
  /** Sidecars to watch that have no registry entry (containers, pods): `--sidecar` / MINIDAPR_DASHBOARD_SIDECARS. */
  sidecars?: StaticSidecar[];
  /** Sent as dapr-api-token to sidecars that require one. */
  apiToken?: string;
  /** Use this span store instead of opening `<home>/traces/spans.db` (tests). Not closed by close(). */
  spanStore?: SpanStore;
  /** Where the span store and the collector come from (default: collector-backend.ts). */
  collectorBackend?: CollectorBackend;
  /** Metrics scrape interval (default 5 s). */
  metricsIntervalMs?: number;
  /** Live-event check interval (default 2 s). */
  eventsIntervalMs?: number;
  /** How often log streams look for new lines (default 500 ms). */
  logPollMs?: number;
}

/** `dist/web` next to the compiled server (`dist/server`). */
export function defaultWebDir(): string {
  return join(__dirname, '..', 'web');
}
