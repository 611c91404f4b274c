/**
 * @module api/grpc/errors
 * Any thrown error → the grpc-js ServiceError the client sees. A DaprError goes out with its gRPC
 * code and, when its catalogue entry has a reason, the same rich details as its HTTP JSON
 * (ErrorInfo, ResourceInfo, BadRequest) in `grpc-status-details-bin`.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { isDaprError, type DaprError } from '../../errors/dapr-error';
import { badRequest, encodeStatus, errorInfo, resourceInfo, type RpcStatus } from './status';

/** A remote gRPC status relayed verbatim (InvokeService, proxy). */
export class GrpcPassthrough extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly metadata?: Metadata,
  ) {
    super(message);
    this.name = 'GrpcPassthrough';
  }
}

/** The google.rpc.Status of a DaprError (details only for entries with a reason). */
export function statusOf(err: DaprError): RpcStatus {
  const details: RpcStatus['details'] = [];
  if (err.reason) {
    details.push(errorInfo(err.reason, 'dapr.io', err.metadata));
    if (err.resource) details.push(resourceInfo({ resourceType: err.resource.type, resourceName: err.resource.name, owner: '', description: err.message }));
    if (err.fieldViolations) details.push(badRequest(err.fieldViolations));
  }
  return { code: err.grpcCode, message: err.message, details };
}

function serviceError(code: number, message: string, metadata: Metadata): ServiceError {
  return Object.assign(new Error(message), { code, details: message, metadata });
}

export function toServiceError(err: unknown): ServiceError {
  if (err instanceof GrpcPassthrough) return serviceError(err.code, err.message, err.metadata ?? new Metadata());
  if (isDaprError(err)) {
    const metadata = new Metadata();
    const s = statusOf(err);
    if (s.details.length > 0) metadata.set('grpc-status-details-bin', encodeStatus(s));
    return serviceError(s.code, s.message, metadata);
  }
  if (isServiceError(err)) return err;
  return serviceError(status.INTERNAL, err instanceof Error ? err.message : String(err), new Metadata());
}

/** An error already shaped for grpc-js (e.g. errorFromHttpStatus). */
function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && (err as Partial<ServiceError>).metadata instanceof Metadata;
}
