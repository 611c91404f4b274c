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
import { ATTR, pubsubAttributes, SERVICE_INVOCATION } from './attributes';
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

/**
 * The span name, kind and attributes of one public API call (built key by key: this runs for every
 * sampled request).
 */
export function describeApiCall(c: ApiCall, req: IncomingMessage): Described {
  const api = `${c.method} ${c.path}`;
  const a: Attributes = {};
  a[ATTR.daprProtocol] = 'http';
  a[ATTR.daprApi] = api;
  a[ATTR.httpRequestMethod] = c.method;
  a[ATTR.urlFull] = req.url ?? c.path;
  switch (c.group) {
    case 'invoke': {
      const header = headerValue(req.headers['dapr-app-id'])?.trim();
      const appId = header || c.params.id || '';
      const method = header ? c.path.replace(/^\/+/, '') : (c.params.method ?? '');
      a[ATTR.rpcService] = SERVICE_INVOCATION;
      a[ATTR.netPeerName] = appId;
      a[ATTR.daprInvokeMethod] = method;
      return { name: `CallLocal/${appId}/${method}`, kind: 'CLIENT', attributes: a };
    }
    case 'state':
      addStore(a, 'state', c.params.storeName ?? '', api);
      return { name: c.path, kind: 'CLIENT', attributes: a };
    case 'secrets':
      addStore(a, 'secrets', c.params.secretStoreName ?? '', api);
      return { name: c.path, kind: 'CLIENT', attributes: a };
    case 'bindings':
      addStore(a, 'bindings', c.params.name ?? '', api);
      return { name: c.path, kind: 'CLIENT', attributes: a };
    case 'publish':
      return { name: c.path, kind: 'PRODUCER', attributes: Object.assign(a, pubsubAttributes(c.params.pubsubname, c.params.topic ?? '')) };
    default:
      return { name: c.path, kind: 'SERVER', attributes: a };
  }
}

function addStore(a: Attributes, system: 'state' | 'secrets' | 'bindings', name: string, statement: string): void {
  a[ATTR.dbSystem] = system;
  a[ATTR.dbConnectionString] = system;
  a[ATTR.dbStatement] = statement;
  a[ATTR.dbName] = name;
}

const KIND_BY_GROUP: Record<string, SpanKindName | undefined> = { invoke: 'CLIENT', state: 'CLIENT', secrets: 'CLIENT', bindings: 'CLIENT', publish: 'PRODUCER' };

/**
 * Starts the call's span and hands its context on (request headers, response header); ends it when
 * the response closes. Name and attributes are worked out only for a sampled span (as daprd).
 */
export function traceApiCall(tracing: Tracing, c: ApiCall, req: IncomingMessage, res: ServerResponse): void {
  if (c.group === 'healthz') return;
  const span = tracing.start(c.path, KIND_BY_GROUP[c.group] ?? 'SERVER', headerValue(req.headers.traceparent), headerValue(req.headers.tracestate));
  if (span.recording) {
    const d = describeApiCall(c, req);
    span.setName(d.name);
    span.setAttributes(d.attributes);
  }
  handOn(span.traceparent, span.tracestate, req, c.group === 'invoke' ? undefined : res);
  if (span.recording) {
    res.once('close', () => {
      span.setAttributes({ 'dapr.status_code': String(res.statusCode) });
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
