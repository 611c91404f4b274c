/**
 * @module invoke/headers
 * Header rules for invocation, both directions: hop-by-hop headers never cross the proxy, Dapr's
 * control headers are removed, and identity headers are set by the sidecar only (never spoofable).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** Headers a caller may not pass through the public API (identity is ours to set). */
const STRIP_INBOUND = new Set([
  'host',
  'dapr-api-token',
  'dapr-app-id',
  'destination-app-id',
  'dapr-caller-app-id',
  'dapr-callee-app-id',
  'dapr-caller-namespace',
]);

export const CALLER_APP_ID = 'dapr-caller-app-id';
export const CALLEE_APP_ID = 'dapr-callee-app-id';
export const CALLER_NAMESPACE = 'dapr-caller-namespace';

function connectionListed(headers: IncomingHttpHeaders): Set<string> | undefined {
  const c = headers.connection;
  if (!c) return undefined;
  return new Set(c.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
}

/** Caller request headers minus hop-by-hop, control and identity headers. */
export function filterRequestHeaders(headers: IncomingHttpHeaders, dropAuthorization = false): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || STRIP_INBOUND.has(name) || name.endsWith('-bin') || listed?.has(name)) continue;
    if (dropAuthorization && name === 'authorization') continue;
    out[name] = headers[name];
  }
  return out;
}

/** Headers of a request that arrived on the internal port from a peer sidecar: identity kept. */
export function filterPeerHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || name === 'host' || name === 'dapr-api-token' || listed?.has(name)) continue;
    out[name] = headers[name];
  }
  return out;
}

export function filterResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = headers[name];
  }
  return out;
}
