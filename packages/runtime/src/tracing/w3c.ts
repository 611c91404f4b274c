/**
 * @module tracing/w3c
 * W3C Trace Context (`traceparent`, `tracestate`) to and from OpenTelemetry span contexts. Only
 * version 00 fields are read (a later version's first four fields are accepted, as the spec asks);
 * an all-zero trace or span id is invalid.
 */
import { TraceFlags, createTraceState, type SpanContext } from '@opentelemetry/api';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
/** daprd drops a tracestate longer than this (diagnostics consts MaxTracestateLen). */
export const MAX_TRACESTATE_LENGTH = 512;

export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The remote span context of a `traceparent` (+ `tracestate`), or undefined when absent or invalid. */
export function parseTraceparent(traceparent: string | undefined, tracestate?: string): SpanContext | undefined {
  if (!traceparent) return undefined;
  const m = TRACEPARENT.exec(traceparent.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  const sc: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  if (tracestate && tracestate.length <= MAX_TRACESTATE_LENGTH) {
    try {
      sc.traceState = createTraceState(tracestate);
    } catch {
      // an unparsable tracestate is dropped, the traceparent still counts
    }
  }
  return sc;
}

export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-0${(sc.traceFlags & TraceFlags.SAMPLED).toString(16)}`;
}

/** The `tracestate` header for a span context, or undefined (none, or longer than daprd allows). */
export function formatTracestate(sc: SpanContext): string | undefined {
  const s = sc.traceState?.serialize();
  return s && s.length <= MAX_TRACESTATE_LENGTH ? s : undefined;
}
