/**
 * @module collector
 * The embedded Zipkin-compatible trace collector: SQLite span store, Zipkin v2 and OTLP/HTTP servers.
 */
export type { DependencyLink, SpanStore, SpanStoreOptions, TraceQuery, ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './types';
export { defaultSpanStorePath, openSpanStore, DEFAULT_MAX_SPANS, DEFAULT_MAX_AGE_MS } from './span-store';
export { startCollector, CollectorListenError, DEFAULT_ZIPKIN_PORT, DEFAULT_OTLP_HTTP_PORT, type CollectorOptions, type RunningCollector } from './collector';
export { SpanValidationError, normalizeSpans, normalizeTraceId } from './normalize';
export { traceTimestamp } from './trace-query';
export { otlpToZipkin } from './otlp-convert';
export { encodeZipkinProto } from './zipkin-proto';
