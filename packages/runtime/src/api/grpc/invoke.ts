// owned by P3
/**
 * @module api/grpc/invoke
 * InvokeService (daprd pkg/api/grpc/grpc.go): the InvokeRequest goes to the target app through
 * direct messaging exactly as an HTTP invocation does (own app or peer sidecar, name resolution,
 * access control on the callee, mTLS, trace context). A 2xx answer of an HTTP app is the
 * InvokeResponse; a non-2xx becomes the gRPC status daprd makes of it (ErrorFromHTTPResponseCode,
 * `dapr-http-status` in the metadata); a gRPC app's status is relayed untouched; a target that
 * cannot be reached is INTERNAL `fail to invoke, id: <id>, err: <cause>`.
 */
import { Metadata, status } from '@grpc/grpc-js';
import { isDaprError } from '../../errors/dapr-error';
import { invokeErrors } from '../../errors/invoke';
import { splitAppId } from '../../invoke/method';
import {
  DAPR_HTTP_STATUS,
  errorOfAnswer,
  grpcErrorOf,
  headersFromMetadata,
  httpFormOf,
  invokeResponseOf,
  metadataFromHeaders,
  type InvokeRequestPb,
  type InvokeResponsePb,
} from '../../invoke/translate';
import { isResiliencyError, type ResiliencyError } from '../../resiliency/errors';
import { recordRetry } from '../../tracing/attributes';
import type { HandlerModule, UnaryHandler } from './call';
import { GrpcPassthrough } from './errors';

interface InvokeServiceRequestPb {
  id: string;
  message: InvokeRequestPb | null;
}

const EMPTY_REQUEST: InvokeRequestPb = { method: '', data: null, contentType: '', httpExtension: null };

const invokeService: UnaryHandler<InvokeServiceRequestPb, InvokeResponsePb> = async (deps, call) => {
  const id = call.request.id ?? '';
  if (/^https?:\/\//i.test(id)) throw grpcErrorOf(invokeErrors.failed(id, 'invoking external URLs is disabled in minidaprd'));
  const target = splitAppId(id);
  if (!target || !target.appId) throw grpcErrorOf(invokeErrors.failed(id, 'invalid app id: use <appId> or <appId>.<namespace>'));
  const form = httpFormOf(call.request.message ?? EMPTY_REQUEST);
  let result;
  try {
    result = await deps.ctx.directMessaging.call({
      ...target,
      ...form,
      headers: headersFromMetadata(call.metadata),
      signal: call.signal,
      trace: call.trace,
      onRetry: call.span && ((attempt, reason) => recordRetry(call.span, attempt, reason)),
    });
  } catch (err) {
    if (isResiliencyError(err)) throw policyError(err);
    throw isDaprError(err) ? grpcErrorOf(err) : err;
  }
  const error = errorOfAnswer(result);
  // daprd sends the answer's headers (and dapr-http-status for an HTTP app) as header metadata; on
  // an error grpc-js has only the status' metadata to carry them.
  const header = metadataFromHeaders(result.headers);
  if (!result.grpc) header.set(DAPR_HTTP_STATUS, String(result.status));
  if (error) {
    const md = (error as { metadata?: Metadata }).metadata;
    if (md) for (const [key, values] of Object.entries(header.toJSON())) if (md.get(key).length === 0) for (const v of values) md.add(key, v);
    throw error;
  }
  call.responseMetadata.merge(header);
  return invokeResponseOf(result);
};

/**
 * A policy's own failure as daprd's InvokeService returns it: its timeout is the context's
 * DEADLINE_EXCEEDED, an open breaker gobreaker's plain error (UNKNOWN).
 */
function policyError(err: ResiliencyError): GrpcPassthrough {
  return new GrpcPassthrough(err.kind === 'timeout' ? status.DEADLINE_EXCEEDED : status.UNKNOWN, err.message, new Metadata());
}

export const handlers: HandlerModule = { unary: { InvokeService: invokeService } };
