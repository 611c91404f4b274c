/** @module server The dashboard server of `minidapr dashboard` (DASHBOARD-API.md §3, docs/api.md). */
export { startDashboard, ListenError, type RunningDashboard } from './dashboard';
export {
  DEFAULT_DASHBOARD_HOST,
  DEFAULT_DASHBOARD_PORT,
  DEFAULT_OTLP_PORT,
  type DashboardOptions,
} from './options';
export { createMemorySpanStore } from './memory-span-store';
export {
  parseSidecarSpec,
  parseSidecarList,
  SidecarSpecError,
  SIDECARS_ENV,
  DEFAULT_STATIC_HTTP_PORT,
  DEFAULT_STATIC_METRICS_PORT,
  type StaticSidecar,
} from './static-sidecars';
export type { App, AppDetail, Health } from './apps';
export type { Resource } from './resources';
export type { TraceSummary } from './traces';
export type { ServiceGraph, GraphNode, GraphEdge } from './graph';
export type { MetricPoint } from './request-stats';
export type { ExploreResult } from './explorer';
export type { ExploreInput } from './explore-request';
export type { LogsAnswer, LogLine, LogSource } from './logs';
