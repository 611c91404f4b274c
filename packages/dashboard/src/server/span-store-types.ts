/**
 * @module server/span-store-types
 * The collector's TypeScript API as the dashboard server uses it (DASHBOARD-API.md §1). Declared here
 * structurally identical to `src/collector`, so the real collector's values satisfy these types; at
 * merge these declarations can become re-exports of `../collector`.
 */

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  /** Epoch microseconds. */
  timestamp?: number;
  /** Microseconds. */
  duration?: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: { timestamp: number; value: string }[];
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}

/** Zipkin v2 `/api/v2/traces` semantics. */
export interface TraceQuery {
  serviceName?: string;
  remoteServiceName?: string;
  spanName?: string;
  annotationQuery?: string;
  /** µs */
  minDuration?: number;
  /** µs */
  maxDuration?: number;
  /** ms (default now) */
  endTs?: number;
  /** ms (default 86400000) */
  lookback?: number;
  /** default 10 */
  limit?: number;
}

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
  errorCount?: number;
}

export interface SpanStore {
  add(spans: ZipkinSpan[]): void;
  /** Newest first. */
  traces(q: TraceQuery): ZipkinSpan[][];
  trace(traceId: string): ZipkinSpan[] | undefined;
  services(): string[];
  spanNames(serviceName: string): string[];
  remoteServices(serviceName: string): string[];
  dependencies(endTs: number, lookback: number): DependencyLink[];
  spansSince(sinceEpochMs: number, limit?: number): ZipkinSpan[];
  count(): number;
  onSpans(listener: (spans: ZipkinSpan[]) => void): () => void;
  close(): void;
}

export interface CollectorOptions {
  store: SpanStore;
  host?: string;
  zipkinPort?: number;
  otlpPort?: number | null;
}

export interface RunningCollector {
  zipkinPort: number;
  otlpPort?: number;
  close(): Promise<void>;
}

/** What the dashboard needs from the collector module: open the span store, start the receivers. */
export interface CollectorBackend {
  openSpanStore(opts: { path: string; maxSpans?: number; maxAgeMs?: number }): SpanStore;
  defaultSpanStorePath(home: string): string;
  startCollector(opts: CollectorOptions): Promise<RunningCollector>;
}
