/**
 * @module invoke/translate
 * Service invocation between the gRPC and the HTTP world: an InvokeRequest (gRPC API) becomes the
 * HTTP request the sidecar-to-sidecar channel and HTTP apps understand, and an HTTP answer becomes
 * an InvokeResponse or the gRPC status daprd would send (pkg/api/grpc/grpc.go InvokeService,
 * pkg/messaging/v1). The status of a gRPC app (or of the callee sidecar's own refusal) crosses the
 * HTTP/1.1 sidecar hop in the internal `dapr-grpc-*` headers, which HTTP callers never see.
 */
import { Metadata, status as grpcStatus } from '@grpc/grpc-js';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { GrpcPassthrough, statusOf } from '../api/grpc/errors';
import { decodeDetail, decodeStatus, encodeStatus, type RpcStatus } from '../api/grpc/status';
import type { AppInvokeResult } from '../app-channel/types';
import type { DaprError } from '../errors/dapr-error';
import { isHeaderValue } from '../http-syntax';
import type { ExchangeAnswer } from './exchange';
import { errorFromHttpStatus, httpStatusFromGrpc } from './grpc-status';
import { HOP_BY_HOP } from './headers';

/**
 * google.protobuf.Any as the proto loader gives it: protobufjs' built-in Any keeps its field name
 * `type_url` whatever `keepCase` says, so both spellings are read (and an empty one never sent).
 */
export interface AnyPb {
  type_url?: string;
  typeUrl?: string;
  value: Buffer;
}

/** The type URL of an Any, whichever spelling the loader used. */
export function typeUrlOf(a: AnyPb | null | undefined): string {
  return a?.type_url || a?.typeUrl || '';
}

/** common.v1.InvokeRequest (camelCase, defaults on). */
export interface InvokeRequestPb {
  method: string;
  data: AnyPb | null;
  contentType: string;
  httpExtension: { verb: number; querystring: string } | null;
}

/** common.v1.InvokeResponse. */
export interface InvokeResponsePb {
  data: AnyPb;
  contentType: string;
}

/** common.v1.HTTPExtension.Verb, by enum number. */
export const HTTP_VERBS = ['NONE', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

/** The HTTP verb of an HTTPExtension verb; NONE (and anything unknown) is POST, as daprd. */
export function verbName(verb: number | undefined): string {
  const name = verb === undefined ? undefined : HTTP_VERBS[verb];
  return name === undefined || name === 'NONE' ? 'POST' : name;
}

/** The HTTPExtension verb number of an HTTP verb (what a gRPC app's OnInvoke sees); NONE if unknown. */
export function verbNumber(verb: string): number {
  const i = (HTTP_VERBS as readonly string[]).indexOf(verb.toUpperCase());
  return i < 0 ? 0 : i;
}

/** daprd's content type of a body that is a typed protobuf Any (invokev1.ProtobufContentType). */
export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';

export interface HttpForm {
  method: string;
  verb: string;
  /** The query string without its `?` (may be empty). */
  query: string;
  contentType?: string;
  body: Buffer;
}

/** An InvokeRequest as the HTTP request an app receives (method, verb, query, content type, body). */
export function httpFormOf(m: InvokeRequestPb): HttpForm {
  const data = m.data;
  const query = (m.httpExtension?.querystring ?? '').replace(/^\?/, '');
  // A typed Any is protobuf whatever content type the caller named (daprd InvokeMethodRequest.ContentType).
  const contentType = typeUrlOf(data) ? PROTOBUF_CONTENT_TYPE : m.contentType || undefined;
  return { method: m.method, verb: verbName(m.httpExtension?.verb), query, contentType, body: data?.value ?? Buffer.alloc(0) };
}

/** Metadata keys that are gRPC transport, not application headers. */
const TRANSPORT_KEYS = new Set(['content-type', 'content-length', 'user-agent', 'accept-encoding', 'host']);

/**
 * Incoming gRPC metadata → request headers for the callee: pseudo headers, `grpc-*`, binary
 * (`-bin`) values and transport headers are left out (daprd InternalMetadataToHTTPHeader).
 */
export function headersFromMetadata(md: Metadata): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [key, values] of Object.entries(md.toJSON())) {
    const name = key.toLowerCase();
    if (name.startsWith(':') || name.startsWith('grpc-') || name.endsWith('-bin') || TRANSPORT_KEYS.has(name) || HOP_BY_HOP.has(name)) continue;
    const strings = values.filter((v): v is string => typeof v === 'string');
    if (strings.length === 1) out[name] = strings[0];
    else if (strings.length > 1) out[name] = strings;
  }
  return out;
}

/** Headers that never become gRPC metadata (framing; the trace context is the call's own). */
const NOT_METADATA = new Set(['content-length', 'content-type', 'transfer-encoding', 'date', 'keep-alive', 'connection', 'traceparent', 'tracestate']);

/** An answer's headers → gRPC response metadata (daprd InternalMetadataToGrpcMetadata). */
export function metadataFromHeaders(headers: Record<string, string | string[] | undefined>): Metadata {
  const md = new Metadata();
  for (const [key, value] of Object.entries(headers)) {
    const name = key.toLowerCase();
    if (value === undefined || NOT_METADATA.has(name) || HOP_BY_HOP.has(name) || name.startsWith(GRPC_HEADER_PREFIX) || name.startsWith('grpc-') || name.endsWith('-bin')) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      try {
        md.add(name, v);
      } catch {
        // a header name or value gRPC metadata cannot carry is dropped, not fatal
      }
    }
  }
  return md;
}

function headerString(h: string | string[] | number | undefined): string | undefined {
  if (h === undefined) return undefined;
  return Array.isArray(h) ? h[0] : String(h);
}

/** A 2xx answer as the InvokeResponse (data = body, content type = the answer's). */
export function invokeResponseOf(r: AppInvokeResult): InvokeResponsePb {
  return { data: { value: r.body }, contentType: headerString(r.headers['content-type']) ?? '' };
}

/** daprd's `dapr-http-status` response header (daprHTTPStatusHeader). */
export const DAPR_HTTP_STATUS = 'dapr-http-status';

/**
 * The gRPC error for an answer that is not a success, or undefined for a success: a gRPC status
 * (gRPC app, or the callee sidecar's refusal) is relayed exactly; an HTTP app's non-2xx becomes
 * daprd's ErrorFromHTTPResponseCode, with `dapr-http-status` in the error's metadata.
 */
export function errorOfAnswer(r: AppInvokeResult): Error | undefined {
  if (r.grpc) {
    if (r.grpc.code === grpcStatus.OK) return undefined;
    const md = new Metadata();
    if (r.grpc.details && r.grpc.details.length > 0) md.set('grpc-status-details-bin', r.grpc.details);
    return new GrpcPassthrough(r.grpc.code, r.grpc.message, md);
  }
  if (r.status >= 200 && r.status < 300) return undefined;
  const err = errorFromHttpStatus(r.status, r.body);
  err.metadata.set(DAPR_HTTP_STATUS, String(r.status));
  return err;
}

/** The gRPC status of a DaprError on the invocation path: daprd's gRPC API says `fail to invoke` where HTTP says `failed`. */
export function grpcStatusOf(err: DaprError): RpcStatus {
  const s = statusOf(err);
  if (s.message.startsWith(HTTP_FAILED)) s.message = GRPC_FAILED + s.message.slice(HTTP_FAILED.length);
  return s;
}

const HTTP_FAILED = 'failed to invoke, id: ';
const GRPC_FAILED = 'fail to invoke, id: ';

/** A DaprError as the error the gRPC API sends for it (same code, message and details as grpcStatusOf). */
export function grpcErrorOf(err: DaprError): GrpcPassthrough {
  const s = grpcStatusOf(err);
  const md = new Metadata();
  if (s.details.length > 0) md.set('grpc-status-details-bin', encodeStatus(s));
  return new GrpcPassthrough(s.code, s.message, md);
}

// --- the internal headers carrying a gRPC status over the HTTP/1.1 sidecar hop -------------------

export const GRPC_HEADER_PREFIX = 'dapr-grpc-';
export const GRPC_STATUS_HEADER = 'dapr-grpc-status';
export const GRPC_MESSAGE_HEADER = 'dapr-grpc-message';
export const GRPC_DETAILS_HEADER = 'dapr-grpc-status-details-bin';
/** Marks a gRPC app's own status (not the callee sidecar's refusal): the caller's resiliency treats it as an answer. */
export const GRPC_ORIGIN_HEADER = 'dapr-grpc-origin';

/** The internal headers for a gRPC status (message percent-encoded, details base64). */
export function grpcStatusHeaders(s: { code: number; message: string; details?: Buffer }): Record<string, string> {
  const h: Record<string, string> = { [GRPC_STATUS_HEADER]: String(s.code), [GRPC_MESSAGE_HEADER]: encodeURIComponent(s.message) };
  if (s.details && s.details.length > 0) h[GRPC_DETAILS_HEADER] = s.details.toString('base64');
  return h;
}

/** The status in an answer's internal headers, or undefined when the answer carries none. */
export function grpcStatusFromHeaders(h: IncomingHttpHeaders | Record<string, string | string[] | undefined>): AppInvokeResult['grpc'] {
  const raw = headerString(h[GRPC_STATUS_HEADER]);
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const encoded = headerString(h[GRPC_MESSAGE_HEADER]) ?? '';
  let message: string;
  try {
    message = decodeURIComponent(encoded);
  } catch {
    message = encoded;
  }
  const details = headerString(h[GRPC_DETAILS_HEADER]);
  return { code: Number(raw), message, ...(details ? { details: Buffer.from(details, 'base64') } : {}) };
}

/**
 * What an HTTP caller receives for a gRPC status that is not OK (daprd answers the status as JSON):
 * `{code, message, details}`, details decoded when this sidecar knows their type.
 */
export function statusJson(s: { code: number; message: string; details?: Buffer }): Buffer {
  let details: Array<Record<string, unknown>> = [];
  if (s.details && s.details.length > 0) {
    try {
      details = decodeStatus(s.details).details.map((d) => ({ '@type': d.typeUrl, ...(decodeDetail(d) ?? {}) }));
    } catch {
      details = [];
    }
  }
  return Buffer.from(JSON.stringify({ code: s.code, message: s.message, details }));
}

// --- buffered answers: exchange answer → result, a gRPC app's result → HTTP answer ---------------

/**
 * An exchange's answer as an invocation result. `fromPeer`: the answer of a callee sidecar, whose
 * `dapr-grpc-*` headers carry a gRPC status; from the app itself they are ignored.
 */
export function resultOf(answer: ExchangeAnswer, fromPeer: boolean): AppInvokeResult {
  const headers: Record<string, string | string[]> = {};
  for (const name in answer.headers) {
    const v = answer.headers[name];
    if (v === undefined || HOP_BY_HOP.has(name) || name === 'content-length' || name.startsWith(GRPC_HEADER_PREFIX)) continue;
    headers[name] = v;
  }
  const grpc = fromPeer ? grpcStatusFromHeaders(answer.headers) : undefined;
  return { status: answer.status, headers, body: answer.body, ...(grpc ? { grpc } : {}) };
}

/**
 * A gRPC app's result as an HTTP answer: its status mapped to HTTP (daprd HTTPStatusFromCode), the
 * data (or, on an error, the status as JSON) as body; to a peer also the status itself in the
 * internal headers, so a gRPC caller behind it gets the exact code, message and details.
 */
export function writeAppResult(res: ServerResponse, r: AppInvokeResult, trace: string, forPeer: boolean): void {
  const g = r.grpc;
  const failed = g !== undefined && g.code !== 0;
  const status = g ? httpStatusFromGrpc(g.code) : r.status;
  const body = failed && g ? statusJson(g) : r.body;
  const headers: OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(r.headers)) {
    const name = key.toLowerCase();
    if (HOP_BY_HOP.has(name) || name === 'content-length' || name.startsWith(GRPC_HEADER_PREFIX)) continue;
    const values = (Array.isArray(value) ? value : [value]).filter(isHeaderValue);
    if (values.length > 0) headers[name] = values.length === 1 ? values[0] : values;
  }
  if (failed) headers['content-type'] = 'application/json';
  headers.traceparent = trace;
  if (forPeer && g) Object.assign(headers, grpcStatusHeaders(g), { [GRPC_ORIGIN_HEADER]: 'app' });
  headers['content-length'] = body.length;
  res.writeHead(status, headers);
  res.end(body);
}
