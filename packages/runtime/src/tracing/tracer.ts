/**
 * @module tracing/tracer
 * The sidecar's tracer: Dapr's sampling (parent-based: an incoming `traceparent` decides, sampled
 * or not; a new trace is sampled at `samplingRate`), then OpenTelemetry's SDK for the sampled spans
 * only, with the app id as service name and one bounded batch processor per exporter. Callers get
 * a small TraceSpan whose `traceparent` is what goes on to the next hop. An unsampled span is just
 * that context (a new span id, flag 00): no OpenTelemetry object, nothing exported, so the default
 * rate of 0.0001 costs about what the plain pass-through does.
 *
 * A sampling rate of 0 builds no tracer at all (createTracing returns undefined): every call site
 * then keeps the plain pass-through of invoke/trace.ts.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Span } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { STATUS_CODES } from 'node:http';
import { BoundedBatchProcessor } from './batch';
import type { TracingConfig } from './config';
import { createExporters } from './exporters';
import type { TracingMetrics } from './metrics';
import { newSpanId, newTraceId } from './ids';
import { formatTraceparent, formatTracestate, parseTraceparent } from './w3c';

export type SpanKindName = 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';

const KINDS: Record<SpanKindName, SpanKind> = {
  SERVER: SpanKind.SERVER,
  CLIENT: SpanKind.CLIENT,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};

export interface TraceSpan {
  /** The context the next hop gets: this span as parent. */
  readonly traceparent: string;
  readonly tracestate?: string;
  /** Sampled: attributes are worth computing (an unsampled span ignores them anyway). */
  readonly recording: boolean;
  setName(name: string): void;
  setAttributes(attributes: Attributes): void;
  /** Ends the span; an HTTP status ≥ 400 marks it as an error as daprd does ("Code(404): Not Found"). */
  end(httpStatus?: number, error?: string): void;
}

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

class OtelTraceSpan implements TraceSpan {
  readonly traceparent: string;
  readonly tracestate?: string;
  readonly recording: boolean;
  constructor(private readonly span: Span) {
    const sc = span.spanContext();
    this.traceparent = formatTraceparent(sc);
    this.tracestate = formatTracestate(sc);
    this.recording = span.isRecording();
  }
  setName(name: string): void {
    if (this.recording) this.span.updateName(name);
  }
  setAttributes(attributes: Attributes): void {
    if (this.recording) this.span.setAttributes(attributes);
  }
  end(httpStatus?: number, error?: string): void {
    if (this.recording) {
      if (httpStatus !== undefined && httpStatus >= 400) {
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: `Code(${httpStatus}): ${STATUS_CODES[httpStatus] ?? 'Unknown'}` });
      } else if (error) {
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      }
    }
    this.span.end();
  }
}

/** A span that is not sampled: only the context handed on. */
class UnsampledSpan implements TraceSpan {
  readonly recording = false;
  constructor(
    readonly traceparent: string,
    readonly tracestate: string | undefined,
  ) {}
  setName(): void {}
  setAttributes(): void {}
  end(): void {}
}

export function createTracing(o: TracingOptions): Tracing | undefined {
  const rate = o.config.samplingRate;
  if (!(rate > 0)) return undefined;
  const processors: SpanProcessor[] = (o.exporters ?? createExporters(o.config, o.appId)).map(
    (exporter) =>
      new BoundedBatchProcessor({
        exporter,
        ...o.batch,
        onDrop: (reason, n) => o.metrics.dropped(reason, n),
        onExported: (n) => o.metrics.exported(n),
        onExportError: o.onExportError,
      }),
  );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.appId }),
    // The sampling decision is taken in start(); what reaches the SDK is sampled.
    sampler: new AlwaysOnSampler(),
    spanProcessors: processors,
  });
  const tracer = provider.getTracer('minidaprd');
  return {
    samplingRate: rate,
    start(name, kind, traceparent, tracestate, attributes) {
      const parent = parseTraceparent(traceparent, tracestate);
      const sampled = parent ? (parent.traceFlags & TraceFlags.SAMPLED) !== 0 : rate >= 1 || Math.random() < rate;
      if (!sampled) {
        return new UnsampledSpan(`00-${parent ? parent.traceId : newTraceId()}-${newSpanId()}-00`, parent ? formatTracestate(parent) : undefined);
      }
      const ctx = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
      return new OtelTraceSpan(tracer.startSpan(name, { kind: KINDS[kind], attributes }, ctx));
    },
    async flush() {
      await provider.forceFlush();
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
