/**
 * @module tracing/api-span
 * One span per request on the public API, as daprd's HTTPTraceMiddleware: named after the path,
 * renamed `CallLocal/<app>/<method>` for service invocation, with `dapr.api`, `dapr.protocol`,
 * `dapr.status_code` and the building block's attributes. Health checks get none (as daprd). The
 * span's context replaces the request's `traceparent`/`tracestate` headers, so every later hop
 * (peer sidecar, CloudEvent, output binding) carries it as parent; the response gets a
 * `traceparent` header unless the handler set one.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pubsubAttributes, SERVICE_INVOCATION } from './attributes';
import type { SpanKindName, TraceSpan, Tracing } from './tracer';
import { headerValue } from './w3c';

export interface ApiCall {
  method: string;
  /** The cleaned, still-escaped path. */
  path: string;
  /** The endpoint's group (state, invoke, publish, bindings, secrets, …). */
  group: string;
  params: Record<string, string>;
}

const KIND_BY_GROUP: Record<string, SpanKindName | undefined> = { invoke: 'CLIENT', state: 'CLIENT', secrets: 'CLIENT', bindings: 'CLIENT', publish: 'PRODUCER' };

/** Where a call's attributes go: a span (on the request path) or an object (describeApiCall). */
interface AttributeSink {
  setAttribute(key: string, value: AttributeValue): void;
}

/**
 * Writes the span attributes of one public API call and returns the span's name. Built key by key
 * with literal keys (ATTR's values) straight into the span: this runs for every sampled request.
 */
export function writeApiCall(c: ApiCall, req: IncomingMessage, to: AttributeSink): string {
  const api = `${c.method} ${c.path}`;
  to.setAttribute('dapr.protocol', 'http');
  to.setAttribute('dapr.api', api);
  to.setAttribute('http.request.method', c.method);
  to.setAttribute('url.full', req.url ?? c.path);
  switch (c.group) {
    case 'invoke': {
      const header = headerValue(req.headers['dapr-app-id'])?.trim();
      const appId = header || c.params.id || '';
      const method = header ? c.path.replace(/^\/+/, '') : (c.params.method ?? '');
      to.setAttribute('rpc.service', SERVICE_INVOCATION);
      to.setAttribute('net.peer.name', appId);
      to.setAttribute('dapr.invoke_method', method);
      return `CallLocal/${appId}/${method}`;
    }
    case 'state':
      writeStore(to, 'state', c.params.storeName ?? '', api);
      return c.path;
    case 'secrets':
      writeStore(to, 'secrets', c.params.secretStoreName ?? '', api);
      return c.path;
    case 'bindings':
      writeStore(to, 'bindings', c.params.name ?? '', api);
      return c.path;
    case 'publish': {
      const a = pubsubAttributes(c.params.pubsubname, c.params.topic ?? '');
      for (const key in a) to.setAttribute(key, a[key] as AttributeValue);
      return c.path;
    }
    default:
      return c.path;
  }
}

function writeStore(to: AttributeSink, system: 'state' | 'secrets' | 'bindings', name: string, statement: string): void {
  to.setAttribute('db.system', system);
  to.setAttribute('db.connection_string', system);
  to.setAttribute('db.statement', statement);
  to.setAttribute('db.name', name);
}

/** The span name, kind and attributes of one public API call (tests and tools). */
export function describeApiCall(c: ApiCall, req: IncomingMessage): { name: string; kind: SpanKindName; attributes: Attributes } {
  const attributes: Attributes = {};
  const name = writeApiCall(c, req, { setAttribute: (k, v) => (attributes[k] = v) });
  return { name, kind: KIND_BY_GROUP[c.group] ?? 'SERVER', attributes };
}

/** Sampled invocation spans by request: direct messaging records its retries on them. */
const invokeSpans = new WeakMap<IncomingMessage, TraceSpan>();

/** The sampled API span of an invocation request, if any. */
export function invokeSpanOf(req: IncomingMessage): TraceSpan | undefined {
  return invokeSpans.get(req);
}

/**
 * Starts the call's span and hands its context on (request headers, response header); ends it when
 * the response closes. Name and attributes are worked out only for a sampled span (as daprd).
 */
export function traceApiCall(tracing: Tracing, c: ApiCall, req: IncomingMessage, res: ServerResponse): void {
  if (c.group === 'healthz') return;
  const span = tracing.start(c.path, KIND_BY_GROUP[c.group] ?? 'SERVER', headerValue(req.headers.traceparent), headerValue(req.headers.tracestate));
  if (span.recording) span.setName(writeApiCall(c, req, span));
  if (span.recording && c.group === 'invoke') invokeSpans.set(req, span);
  handOn(span.traceparent, span.tracestate, req, c.group === 'invoke' ? undefined : res);
  if (span.recording) {
    res.once('close', () => {
      span.setAttribute('dapr.status_code', String(res.statusCode));
      span.end(res.statusCode);
    });
  }
}

/**
 * The span's context becomes the request's (for the next hop) and, with `res`, the response's
 * `traceparent`. Invocation passes no `res`: direct messaging already answers with the request's
 * `traceparent` (and a header set ahead would push its flat writeHead onto Node's slow merge path).
 */
export function handOn(traceparent: string, tracestate: string | undefined, req: IncomingMessage, res?: ServerResponse): void {
  req.headers.traceparent = traceparent;
  if (tracestate) req.headers.tracestate = tracestate;
  else if (req.headers.tracestate !== undefined) delete req.headers.tracestate; // rare: an unusable incoming tracestate
  if (!res) return;
  res.setHeader('traceparent', traceparent);
  if (tracestate) res.setHeader('tracestate', tracestate);
}
