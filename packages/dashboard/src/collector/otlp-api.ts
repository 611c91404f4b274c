/**
 * @module collector/otlp-api
 * OTLP/HTTP trace ingest as an endpoint table: POST /v1/traces with a protobuf or JSON
 * ExportTraceServiceRequest, answered 200 with an empty ExportTraceServiceResponse in the request's
 * encoding; failures carry a google.rpc.Status in that encoding, as OTLP/HTTP specifies.
 * https://opentelemetry.io/docs/specs/otlp/#otlphttp
 */
import type { IncomingMessage } from 'node:http';
import { errorReply, HttpError, type Endpoint, type Reply, type RequestContext } from './http-kit';
import { SpanValidationError } from './normalize';
import { otlpToZipkin } from './otlp-convert';
import { decodeOtlpTraceRequest, encodeOtlpTraceResponse, encodeRpcStatus } from './otlp-proto';
import type { SpanStore } from './types';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
/** google.rpc.Code values used in error bodies. */
const RPC_INVALID_ARGUMENT = 3;
const RPC_INTERNAL = 13;

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

async function postTraces(store: SpanStore, ctx: RequestContext): Promise<Reply> {
  const type = mediaType(ctx.req);
  if (type !== PROTOBUF && type !== JSON_TYPE) {
    throw new HttpError(415, `unsupported Content-Type ${type || '(none)'}: send ${PROTOBUF} or ${JSON_TYPE}`);
  }
  const body = await ctx.body();
  let request: unknown;
  if (type === PROTOBUF) {
    request = decodeOtlpTraceRequest(body);
  } else {
    try {
      request = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new SpanValidationError(`malformed JSON: ${(err as Error).message}`);
    }
  }
  store.add(otlpToZipkin(request) as never);
  return type === PROTOBUF
    ? { status: 200, headers: { 'content-type': PROTOBUF }, body: encodeOtlpTraceResponse() }
    : { status: 200, headers: { 'content-type': JSON_TYPE }, body: '{}' };
}

/** Error bodies as google.rpc.Status, in the encoding the client sent. */
export function otlpErrorReply(err: unknown, req: IncomingMessage): Reply {
  const plain = errorReply(err);
  const message = typeof plain.body === 'string' ? plain.body : 'error';
  const code = plain.status >= 500 ? RPC_INTERNAL : RPC_INVALID_ARGUMENT;
  if (mediaType(req) === PROTOBUF) return { status: plain.status, headers: { 'content-type': PROTOBUF }, body: encodeRpcStatus(code, message) };
  return { status: plain.status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ code, message }) };
}

/** The OTLP/HTTP endpoints served on the OTLP port. */
export function otlpEndpoints(store: SpanStore): Endpoint[] {
  return [{ name: 'ExportTraces', method: 'POST', route: '/v1/traces', handler: (ctx) => postTraces(store, ctx) }];
}
