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

/**
 * Prefix of the internal headers that carry a gRPC status across the sidecar hop (invoke/translate):
 * only the caller's sidecar reads them; they never reach an app or an HTTP caller.
 */
const INTERNAL_GRPC_PREFIX = 'dapr-grpc-';

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
    if (HOP_BY_HOP.has(name) || name === 'host' || name === 'dapr-api-token' || name.startsWith(INTERNAL_GRPC_PREFIX) || listed?.has(name)) continue;
    out[name] = headers[name];
  }
  return out;
}

export function filterResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (HOP_BY_HOP.has(name) || name.startsWith(INTERNAL_GRPC_PREFIX) || listed?.has(name)) continue;
    out[name] = headers[name];
  }
  return out;
}

export interface RawResponseHeaders {
  /** Flat [name, value, ...] as the app sent them, minus hop-by-hop headers, plus `extra`. */
  headers: string[];
  contentLength?: string;
  chunked: boolean;
}

/**
 * filterResponseHeaders on node's rawHeaders (which skips building the headers object): repeated
 * headers stay separate lines, and a header named in `extra` is replaced by extra's value. The
 * internal `dapr-grpc-*` headers are dropped: an HTTP caller never sees them, an app cannot forge them.
 */
export function filterRawResponseHeaders(raw: readonly string[], extra?: Record<string, string>): RawResponseHeaders {
  const lower: string[] = new Array<string>(raw.length >> 1);
  let contentLength: string | undefined;
  let chunked = false;
  let listed: Set<string> | undefined;
  for (let i = 0, j = 0; i < raw.length; i += 2, j++) {
    const name = (raw[i] as string).toLowerCase();
    lower[j] = name;
    if (name === 'content-length') contentLength ??= raw[i + 1];
    else if (name === 'transfer-encoding') chunked = true;
    else if (name === 'connection') {
      listed ??= new Set();
      for (const token of (raw[i + 1] as string).split(',')) if (token.trim()) listed.add(token.trim().toLowerCase());
    }
  }
  const headers: string[] = [];
  for (let i = 0, j = 0; i < raw.length; i += 2, j++) {
    const name = lower[j] as string;
    if (HOP_BY_HOP.has(name) || listed?.has(name) || name.startsWith(INTERNAL_GRPC_PREFIX) || (extra !== undefined && Object.prototype.hasOwnProperty.call(extra, name))) continue;
    headers.push(raw[i] as string, raw[i + 1] as string);
  }
  if (extra) for (const name in extra) headers.push(name, extra[name] as string);
  return { headers, contentLength, chunked };
}
