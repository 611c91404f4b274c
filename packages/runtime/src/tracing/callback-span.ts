/**
 * @module tracing/callback-span
 * Spans for what the sidecar sends to its app on its own (daprd's StartInternalCallbackSpan): a
 * pub/sub delivery `pubsub/<topic>` (CONSUMER, child of the context the CloudEvent carries) and
 * an input binding event `bindings/<name>` (CONSUMER, child of the event's `traceparent` if any).
 * The app receives the span's context. Without a tracer (sampling 0) nothing is started.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { ATTR, pubsubAttributes, storeAttributes } from './attributes';
import type { TraceSpan, Tracing } from './tracer';

/**
 * Starts the delivery span when the event carries a trace context (as daprd: no traceparent in the
 * CloudEvent, no span) and points the app's `traceparent`/`tracestate` headers at it.
 */
export function startDeliverySpan(tracing: Tracing | undefined, pubsub: string, topic: string, headers: OutgoingHttpHeaders): TraceSpan | undefined {
  if (!tracing || typeof headers.traceparent !== 'string') return undefined;
  const tracestate = typeof headers.tracestate === 'string' ? headers.tracestate : undefined;
  const span = tracing.start(`pubsub/${topic}`, 'CONSUMER', headers.traceparent, tracestate, pubsubAttributes(pubsub, topic));
  headers.traceparent = span.traceparent;
  if (span.tracestate) headers.tracestate = span.tracestate;
  return span;
}

export function startInputBindingSpan(tracing: Tracing | undefined, name: string, path: string, traceparent?: string, tracestate?: string): TraceSpan | undefined {
  if (!tracing) return undefined;
  return tracing.start(`bindings/${name}`, 'CONSUMER', traceparent, tracestate, {
    ...storeAttributes('bindings', name, `POST /${path.replace(/^\/+/, '')}`),
    [ATTR.rpcService]: 'Dapr',
  });
}
