/**
 * @module api/types
 * The dashboard server's JSON/SSE contract (DASHBOARD-API.md section 3), as the UI consumes it.
 * The test fixture server imports these types too, so the canned data and the UI cannot drift apart.
 */

export type Health = 'healthy' | 'unhealthy' | 'unknown';

export interface Overview {
  version: string;
  home: string;
  collector: { enabled: boolean; zipkinPort?: number; otlpPort?: number; spans: number };
  apps: number;
}

export interface App {
  appId: string;
  /** Where the dashboard found the app: the local registry, or a --sidecar / MINIDAPR_DASHBOARD_SIDECARS target. */
  source?: 'registry' | 'static';
  /** A static sidecar's host. */
  host?: string;
  /** null for static sidecars (in a container or pod: no local process). */
  pid: number | null;
  appPid?: number;
  cliPid?: number;
  httpPort: number;
  grpcPort: number | null;
  internalPort: number | null;
  appPort?: number;
  metricsPort?: number;
  command: string;
  startedAt: string;
  ageSeconds: number;
  runFile?: string;
  health: Health;
  resourcesPaths: string[];
  configPaths: string[];
  runtimeVersion?: string;
}

/** The sidecar's /v1.0/metadata answer; only the parts the UI shows are typed. */
export interface SidecarMetadata {
  id?: string;
  runtimeVersion?: string;
  enabledFeatures?: string[];
  components?: { name: string; type: string; version?: string; capabilities?: string[] }[];
  subscriptions?: {
    pubsubname: string;
    topic: string;
    rules?: { rules?: { match?: string; path: string }[] } | { match?: string; path: string }[];
    deadLetterTopic?: string;
    metadata?: Record<string, string>;
    type?: string;
  }[];
  httpEndpoints?: { name: string }[];
  extended?: Record<string, string>;
  [k: string]: unknown;
}

export type AppDetail = App & { metadata: SidecarMetadata | null; metadataError?: string };

export type LogSource = 'app' | 'sidecar';
export interface LogLine { source: LogSource; text: string }
export interface Logs { sources: { source: LogSource; path: string }[]; lines: LogLine[]; note?: string }

export type Verb = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
export type ExploreRequest =
  | { kind: 'invoke'; targetAppId: string; method: string; verb: Verb; headers?: Record<string, string>; body?: string }
  | { kind: 'publish'; pubsub: string; topic: string; data: string; contentType?: string }
  | { kind: 'state-get'; store: string; key: string }
  | { kind: 'state-save'; store: string; key: string; value: string };

export interface ExploreResult {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body: string; durationMs: number };
  traceId: string;
}

export interface Resource {
  kind: string;
  name: string;
  type?: string;
  version?: string;
  file: string;
  yaml: string;
  scopes?: string[];
  loadedBy: string[];
}

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  start: number; // epoch µs
  durationUs: number;
  spanCount: number;
  services: string[];
  errorCount: number;
}

export interface ZipkinEndpoint { serviceName?: string; ipv4?: string; ipv6?: string; port?: number }
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  timestamp?: number;
  duration?: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: { timestamp: number; value: string }[];
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}
export interface Trace { traceId: string; spans: ZipkinSpan[] }

export type NodeKind = 'app' | 'topic' | 'binding' | 'store' | 'external';
export type EdgeKind = 'invoke' | 'publish' | 'deliver' | 'binding' | 'state' | 'other';
export interface GraphNode { id: string; kind: NodeKind; label: string }
export interface GraphEdge { id: string; source: string; target: string; kind: EdgeKind; count: number; errors: number; ratePerMin: number }
export interface Graph { nodes: GraphNode[]; edges: GraphEdge[] }

export interface MetricPoint { t: number; rps: number; p50Ms: number; p95Ms: number; errorRate: number }
export interface Metrics { apps: { appId: string; points: MetricPoint[]; error?: string }[] }

/** Events on GET /api/events. */
export interface LiveEvents {
  apps: App[];
  traces: TraceSummary[];
  graph: Graph;
  metrics: Metrics;
}
export type LiveEventName = keyof LiveEvents;
export const LIVE_EVENTS: readonly LiveEventName[] = ['apps', 'traces', 'graph', 'metrics'];

export interface TraceFilter { service?: string; operation?: string; status?: 'ok' | 'error' | ''; minDurationMs?: number; lookbackMs?: number; limit?: number }
