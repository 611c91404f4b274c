/**
 * @module collector/types
 * The Zipkin v2 span model and the span store contract shared by the collector and the dashboard
 * server (issue 14 contract, section 1).
 */

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export type ZipkinKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';

export interface ZipkinAnnotation {
  timestamp: number;
  value: string;
}

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: ZipkinKind;
  /** Epoch microseconds. */
  timestamp?: number;
  /** Microseconds. */
  duration?: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: ZipkinAnnotation[];
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}

/** Zipkin v2 `/api/v2/traces` semantics. */
export interface TraceQuery {
  serviceName?: string;
  remoteServiceName?: string;
  spanName?: string;
  /** `key=value and key` over tags (key=value) and annotation values or tag keys (key alone). */
  annotationQuery?: string;
  /** Microseconds. */
  minDuration?: number;
  /** Microseconds; only valid with minDuration. */
  maxDuration?: number;
  /** Epoch milliseconds, default now. */
  endTs?: number;
  /** Milliseconds, default 86400000. */
  lookback?: number;
  /** Default 10. */
  limit?: number;
}

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
  errorCount?: number;
}

export interface SpanStore {
  /** Validates and normalises (lower-case hex ids, lower-case names); throws SpanValidationError. */
  add(spans: ZipkinSpan[]): void;
  /** Matching traces, newest first. */
  traces(q: TraceQuery): ZipkinSpan[][];
  trace(traceId: string): ZipkinSpan[] | undefined;
  services(): string[];
  spanNames(serviceName: string): string[];
  remoteServices(serviceName: string): string[];
  dependencies(endTs: number, lookback: number): DependencyLink[];
  /** Spans that started at or after the time, oldest first; the newest `limit` (default 10000) when more. */
  spansSince(sinceEpochMs: number, limit?: number): ZipkinSpan[];
  count(): number;
  /** Live updates for spans added through this instance; returns the unsubscribe function. */
  onSpans(listener: (spans: ZipkinSpan[]) => void): () => void;
  close(): void;
}

export interface SpanStoreOptions {
  path: string;
  /** Spans kept at most (default 100000). */
  maxSpans?: number;
  /** Age in milliseconds after which spans are pruned, by receive time (default 24 h). */
  maxAgeMs?: number;
}
