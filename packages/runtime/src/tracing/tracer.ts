/**
 * @module tracing/tracer
 * The sidecar's tracer: Dapr's sampling (parent-based: an incoming `traceparent` decides, sampled
 * or not; a new trace is sampled at `samplingRate`). A sampled span is a lean SpanRecord queued in
 * one bounded batch processor per exporter, which builds OpenTelemetry ReadableSpans (app id as
 * service name) only at export time: OpenTelemetry's exporters, not its span SDK, on the request
 * path (BENCHMARKS.md, issue 14, says why). Callers get a small TraceSpan whose `traceparent` is
 * what goes on to the next hop. An unsampled span is just that context (a new span id, flag 00):
 * nothing recorded, nothing exported, so the default rate of 0.0001 costs about what the plain
 * pass-through does.
 *
 * A sampling rate of 0 builds no tracer at all (createTracing returns undefined): every call site
 * then keeps the plain pass-through of invoke/trace.ts.
 */
import { SpanKind, TraceFlags, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BoundedBatchProcessor, type DropReason } from './batch';
import type { TracingConfig } from './config';
import { createExporters, type SpanDestination } from './exporters';
import type { TracingMetrics } from './metrics';
import { newSpanId, newTraceId } from './ids';
import { SpanRecord, type SpanSink, type TraceSpan } from './span-record';
import { formatTracestate, parseTraceparent } from './w3c';
import { encodeZipkinSpan } from './zipkin-json';

export type SpanKindName = 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

const KINDS: Record<SpanKindName, SpanKind> = {
  SERVER: SpanKind.SERVER,
  CLIENT: SpanKind.CLIENT,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};

export type { TraceSpan } from './span-record';

export interface Tracing {
  readonly samplingRate: number;
  start(name: string, kind: SpanKindName, traceparent?: string, tracestate?: string, attributes?: Attributes): TraceSpan;
  /** Exports what is queued (shutdown: once the servers have drained). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  appId: string;
  config: TracingConfig;
  metrics: TracingMetrics;
  onExportError?(err: unknown): void;
  /** Instead of the exporters the config names (tests, benchmarks). */
  exporters?: SpanExporter[];
  /** Test hooks: batching knobs. */
  batch?: { maxQueueSize?: number; maxBatchSize?: number; delayMs?: number; exportTimeoutMs?: number };
}

/** A span that is not sampled: only the context handed on. */
class UnsampledSpan implements TraceSpan {
  readonly recording = false;
  constructor(
    readonly traceparent: string,
    readonly tracestate: string | undefined,
  ) {}
  setName(): void {}
  setAttribute(): void {}
  setAttributes(): void {}
  end(): void {}
}

interface Processor {
  accept(span: SpanRecord): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createTracing(o: TracingOptions): Tracing | undefined {
  const rate = o.config.samplingRate;
  if (!(rate > 0)) return undefined;
  const hooks = {
    ...o.batch,
    onDrop: (reason: DropReason, n: number) => o.metrics.dropped(reason, n),
    onExported: (n: number) => o.metrics.exported(n),
    onExportError: o.onExportError,
  };
  const resourceTags = { 'service.name': o.appId };
  const destinations: SpanDestination[] = o.exporters?.map((exporter) => ({ encoding: 'otel', exporter })) ?? createExporters(o.config);
  const processors = destinations.map((d): Processor => {
    if (d.encoding === 'zipkin-json') {
      const p = new BoundedBatchProcessor<string, string>({ exporter: d.sender, ...hooks });
      const encode = (span: SpanRecord): string => encodeZipkinSpan(span, o.appId, resourceTags);
      return { accept: (span) => p.offer(encode, span), forceFlush: () => p.forceFlush(), shutdown: () => p.shutdown() };
    }
    const p = new BoundedBatchProcessor<SpanRecord>({ exporter: d.exporter, ...hooks, toReadable: (span) => span.toReadableSpan() });
    return { accept: (span) => p.onEnd(span), forceFlush: () => p.forceFlush(), shutdown: () => p.shutdown() };
  });
  const sink: SpanSink = {
    resource: resourceFromAttributes(resourceTags),
    // What OpenTelemetry's getTracer('minidaprd') names as instrumentation scope.
    scope: { name: 'minidaprd', version: undefined, schemaUrl: undefined },
    ended(span) {
      for (const p of processors) p.accept(span);
    },
  };
  return {
    samplingRate: rate,
    start(name, kind, traceparent, tracestate, attributes) {
      const parent = parseTraceparent(traceparent, tracestate);
      const sampled = parent ? (parent.traceFlags & TraceFlags.SAMPLED) !== 0 : rate >= 1 || Math.random() < rate;
      if (!sampled) {
        return new UnsampledSpan(`00-${parent ? parent.traceId : newTraceId()}-${newSpanId()}-00`, parent ? formatTracestate(parent) : undefined);
      }
      return new SpanRecord(sink, name, KINDS[kind], parent ? parent.traceId : newTraceId(), newSpanId(), parent, parent ? formatTracestate(parent) : undefined, attributes);
    },
    async flush() {
      await Promise.all(processors.map((p) => p.forceFlush()));
    },
    async shutdown() {
      await Promise.all(processors.map((p) => p.shutdown()));
    },
  };
}
