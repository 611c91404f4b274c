/**
 * @module tracing/api-span
 * One span per request on the public API, as daprd's HTTPTraceMiddleware: named after the path,
 * renamed `CallLocal/<app>/<method>` for service invocation, with `dapr.api`, `dapr.protocol`,
 * `dapr.status_code` and the building block's attributes. Health checks get none (as daprd). The
 * span's context replaces the request's `traceparent`/`tracestate` headers, so every later hop
 * (peer sidecar, CloudEvent, output binding) carries it as parent; the response gets a
 * `traceparent` header unless the handler set one.
 */
import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ATTR, invokeSpan, pubsubAttributes, storeAttributes } from './attributes';
import type { SpanKindName, Tracing } from './tracer';
import { headerValue } from './w3c';

export interface ApiCall {
  method: string;
  /** The cleaned, still-escaped path. */
  path: string;
  /** The endpoint's group (state, invoke, publish, bindings, secrets, …). */
  group: string;
  params: Record<string, string>;
}

interface Described {
  name: string;
  kind: SpanKindName;
  attributes: Attributes;
}

/** The span name, kind and attributes of one public API call. */
export function describeApiCall(c: ApiCall, req: IncomingMessage): Described {
  const api = `${c.method} ${c.path}`;
  const base: Attributes = { [ATTR.daprProtocol]: 'http', [ATTR.daprApi]: api, [ATTR.httpRequestMethod]: c.method, [ATTR.urlFull]: req.url ?? c.path };
  switch (c.group) {
    case 'invoke': {
      const header = headerValue(req.headers['dapr-app-id'])?.trim();
      const appId = header || c.params.id || '';
      const method = header ? c.path.replace(/^\/+/, '') : (c.params.method ?? '');
      const s = invokeSpan(appId, method);
      return { name: s.name, kind: 'CLIENT', attributes: { ...base, ...s.attributes } };
    }
    case 'state':
      return { name: c.path, kind: 'CLIENT', attributes: { ...base, ...storeAttributes('state', c.params.storeName ?? '', api) } };
    case 'secrets':
      return { name: c.path, kind: 'CLIENT', attributes: { ...base, ...storeAttributes('secrets', c.params.secretStoreName ?? '', api) } };
    case 'bindings':
      return { name: c.path, kind: 'CLIENT', attributes: { ...base, ...storeAttributes('bindings', c.params.name ?? '', api) } };
    case 'publish':
      return { name: c.path, kind: 'PRODUCER', attributes: { ...base, ...pubsubAttributes(c.params.pubsubname, c.params.topic ?? '') } };
    default:
      return { name: c.path, kind: 'SERVER', attributes: base };
  }
}

/** Starts the call's span and hands its context on (request headers, response header); ends it when the response closes. */
export function traceApiCall(tracing: Tracing, c: ApiCall, req: IncomingMessage, res: ServerResponse): void {
  if (c.group === 'healthz') return;
  const d = describeApiCall(c, req);
  const span = tracing.start(d.name, d.kind, headerValue(req.headers.traceparent), headerValue(req.headers.tracestate), d.attributes);
  handOn(span.traceparent, span.tracestate, req, res);
  res.once('close', () => {
    if (span.recording) span.setAttributes({ [ATTR.daprStatusCode]: String(res.statusCode) });
    span.end(res.statusCode);
  });
}

/** The span's context becomes the request's (for the next hop) and the response's `traceparent`. */
export function handOn(traceparent: string, tracestate: string | undefined, req: IncomingMessage, res: ServerResponse): void {
  req.headers.traceparent = traceparent;
  if (tracestate) req.headers.tracestate = tracestate;
  else delete req.headers.tracestate;
  res.setHeader('traceparent', traceparent);
  if (tracestate) res.setHeader('tracestate', tracestate);
}
