/**
 * @module tracing/span-record
 * A sampled span as the request path records it: ids, name, kind, attributes, status and two
 * clock readings, nothing else. The exporters get OpenTelemetry ReadableSpans built from it only
 * at export time (toReadableSpan), off the request path, so a request does not pay for the SDK's
 * span object, context, sampler and span-metrics machinery (measured in BENCHMARKS.md, issue 14).
 *
 * What the exporters see is what OpenTelemetry's SpanImpl would have given them: start time from
 * Date.now() (milliseconds) and the duration from performance.now(); attributes set as the SDK
 * does (null/undefined values and empty keys ignored, at most 128, later values win); status as
 * setStatus leaves it; nothing changes once ended; links, events and dropped counts empty.
 */
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type AttributeValue, type HrTime, type SpanContext, type SpanStatus } from '@opentelemetry/api';
import { addHrTimes, hrTimeToMicroseconds, millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { STATUS_CODES } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface TraceSpan {
  /** The context the next hop gets: this span as parent. */
  readonly traceparent: string;
  readonly tracestate?: string;
  /** Sampled: attributes are worth computing (an unsampled span ignores them anyway). */
  readonly recording: boolean;
  setName(name: string): void;
  setAttribute(key: string, value: AttributeValue | undefined): void;
  setAttributes(attributes: Attributes): void;
  /** Ends the span; an HTTP status ≥ 400 marks it as an error as daprd does ("Code(404): Not Found"). */
  end(httpStatus?: number, error?: string): void;
}

/** OpenTelemetry's default attributeCountLimit. */
const ATTRIBUTE_COUNT_LIMIT = 128;
const UNSET: SpanStatus = { code: SpanStatusCode.UNSET };

/** Where ended spans go (the batch processors) and what every exported span shares. */
export interface SpanSink {
  readonly resource: Resource;
  readonly scope: { name: string; version?: string; schemaUrl?: string };
  ended(span: SpanRecord): void;
}

export class SpanRecord implements TraceSpan {
  readonly recording = true;
  readonly traceparent: string;
  /** Attributes as two parallel lists in the order set (no object with dotted keys on the request path). */
  readonly attributeKeys: string[] = [];
  readonly attributeValues: AttributeValue[] = [];
  status: SpanStatus = UNSET;
  private readonly startMs = Date.now();
  private readonly startPerf = performance.now();
  private durationMs = -1;
  private readable: ReadableSpan | undefined;

  constructor(
    private readonly sink: SpanSink,
    public name: string,
    readonly kind: SpanKind,
    readonly traceId: string,
    readonly spanId: string,
    /** The remote parent (sampled), if any: its traceState is this span's too. */
    readonly parent: SpanContext | undefined,
    readonly tracestate: string | undefined,
    attributes?: Attributes,
  ) {
    this.traceparent = `00-${traceId}-${spanId}-01`;
    if (attributes) this.setAttributes(attributes);
  }

  get ended(): boolean {
    return this.durationMs >= 0;
  }

  setName(name: string): void {
    if (!this.ended) this.name = name;
  }

  setAttribute(key: string, value: AttributeValue | undefined): void {
    if (this.ended || value == null || key.length === 0) return;
    const i = this.attributeKeys.indexOf(key);
    if (i >= 0) this.attributeValues[i] = value;
    else if (this.attributeKeys.length < ATTRIBUTE_COUNT_LIMIT) {
      this.attributeKeys.push(key);
      this.attributeValues.push(value);
    }
  }

  setAttributes(attributes: Attributes): void {
    if (this.ended) return;
    for (const key in attributes) {
      if (Object.prototype.hasOwnProperty.call(attributes, key)) this.setAttribute(key, attributes[key]);
    }
  }

  /** The attributes as one object (for OpenTelemetry's exporters and tests). */
  get attributes(): Attributes {
    const out: Attributes = {};
    for (let i = 0; i < this.attributeKeys.length; i++) out[this.attributeKeys[i] as string] = this.attributeValues[i];
    return out;
  }

  end(httpStatus?: number, error?: string): void {
    if (this.ended) return;
    if (httpStatus !== undefined && httpStatus >= 400) {
      this.status = { code: SpanStatusCode.ERROR, message: `Code(${httpStatus}): ${STATUS_CODES[httpStatus] ?? 'Unknown'}` };
    } else if (error) {
      this.status = { code: SpanStatusCode.ERROR, message: error };
    }
    this.durationMs = Math.max(0, performance.now() - this.startPerf);
    this.sink.ended(this);
  }

  /** Start, in microseconds since the epoch (what Zipkin's `timestamp` holds). */
  get startMicros(): number {
    return hrTimeToMicroseconds(millisToHrTime(this.startMs));
  }

  /** Duration in whole microseconds, rounded as OpenTelemetry's Zipkin exporter does. */
  get durationMicros(): number {
    return Math.round(hrTimeToMicroseconds(millisToHrTime(this.durationMs)));
  }

  /** The span as OpenTelemetry's exporters read it (built once, on the first export). */
  toReadableSpan(): ReadableSpan {
    if (this.readable) return this.readable;
    const spanContext: SpanContext = { traceId: this.traceId, spanId: this.spanId, traceFlags: TraceFlags.SAMPLED, traceState: this.parent?.traceState };
    const startTime = millisToHrTime(this.startMs);
    const duration: HrTime = millisToHrTime(this.durationMs);
    this.readable = {
      name: this.name,
      kind: this.kind,
      spanContext: () => spanContext,
      parentSpanContext: this.parent,
      startTime,
      endTime: addHrTimes(startTime, duration),
      duration,
      status: this.status,
      attributes: this.attributes,
      links: [],
      events: [],
      ended: true,
      resource: this.sink.resource,
      instrumentationScope: this.sink.scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
    return this.readable;
  }
}
