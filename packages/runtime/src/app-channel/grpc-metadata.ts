/**
 * @module app-channel/grpc-metadata
 * Headers to and from gRPC metadata on the gRPC app channel (app-channel/grpc): HTTP-style
 * headers become call metadata (invocations send daprd's permanent HTTP headers as
 * `dapr-<name>`, events leave transport headers out; the trace context goes on as traceparent,
 * tracestate and grpc-trace-bin), and the app's response headers and trailers come back as
 * HTTP-style headers.
 */
import type { Metadata } from '@grpc/grpc-js';
import type http from 'node:http';
import { binaryFromTraceparent } from '../api/grpc/call';

/** Headers the gRPC transport owns or that mean nothing over HTTP/2. */
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'host', 'http2-settings', 'dapr-api-token', 'user-agent']);

/** daprd's isPermanentHTTPHeader: HTTP headers that reach a gRPC app with a `dapr-` prefix. */
const PERMANENT_HTTP_HEADERS = new Set([
  'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges', 'authorization', 'cache-control', 'connection', 'cookie',
  'content-length', 'content-md5', 'content-type', 'date', 'expect', 'forwarded', 'from', 'host', 'http2-settings', 'if-match', 'if-modified-since',
  'if-none-match', 'if-range', 'if-unmodified-since', 'max-forwards', 'origin', 'pragma', 'proxy-authorization', 'range', 'referer', 'te', 'user-agent',
  'upgrade', 'via', 'warning',
]);

function addMetadata(md: Metadata, key: string, value: string): void {
  try {
    if (key.endsWith('-bin')) md.add(key, Buffer.from(value, 'base64'));
    else md.add(key, value);
  } catch {
    // Not a legal gRPC metadata key or value: left out, as Node leaves out illegal HTTP headers.
  }
}

/**
 * HTTP-style headers as gRPC metadata. `httpConversion` (invocations, as daprd) sends the
 * permanent HTTP headers as `dapr-<name>`; otherwise (events) transport headers are left out.
 */
export function headersToMetadata(headers: http.OutgoingHttpHeaders | http.IncomingHttpHeaders, md: Metadata, httpConversion: boolean): Metadata {
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    let key = k.toLowerCase();
    if (key.startsWith(':') || key.startsWith('grpc-') || key === 'dapr-api-token' || key === 'traceparent' || key === 'tracestate') continue;
    if (httpConversion && PERMANENT_HTTP_HEADERS.has(key)) key = `dapr-${key}`;
    else if (TRANSPORT_HEADERS.has(key)) continue;
    for (const value of Array.isArray(v) ? v : [String(v)]) addMetadata(md, key, value);
  }
  const tp = headers.traceparent;
  if (typeof tp === 'string' && tp) {
    md.set('traceparent', tp);
    const ts = headers.tracestate;
    if (typeof ts === 'string' && ts) md.set('tracestate', ts);
    const bin = binaryFromTraceparent(tp);
    if (bin) md.set('grpc-trace-bin', bin);
  }
  return md;
}

/** The keys lower-cased (metadata keys are lower case). */
export function lowerKeys(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) out[k.toLowerCase()] = v;
  return out;
}

/** Response header and trailer metadata as HTTP-style headers (text values; binary ones base64). */
export function metadataToHeaders(headers: Metadata, trailers: Metadata): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const md of [headers, trailers]) {
    for (const [k, v] of Object.entries(md.toJSON())) {
      if (k === 'content-type' || k.startsWith('grpc-') || k.startsWith(':')) continue;
      const values = (v as Array<string | Buffer>).map((x) => (Buffer.isBuffer(x) ? x.toString('base64') : x));
      const prev = out[k];
      const all = prev === undefined ? values : [...(Array.isArray(prev) ? prev : [prev]), ...values];
      out[k] = all.length === 1 ? (all[0] as string) : all;
    }
  }
  return out;
}
