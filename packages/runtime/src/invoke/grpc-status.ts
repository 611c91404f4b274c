/**
 * @module invoke/grpc-status
 * HTTP ⇄ gRPC status codes as daprd maps them (pkg/messaging/v1/util.go: CodeFromHTTPStatus,
 * HTTPStatusFromCode, ErrorFromHTTPResponseCode). Note the non-standard 400 → INTERNAL.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { STATUS_CODES } from 'node:http';
import { encodeStatus, errorInfo } from '../api/grpc/status';

export function grpcFromHttpStatus(httpStatus: number): number {
  if (httpStatus >= 200 && httpStatus < 300) return status.OK;
  switch (httpStatus) {
    case 400:
      return status.INTERNAL;
    case 401:
      return status.UNAUTHENTICATED;
    case 403:
      return status.PERMISSION_DENIED;
    case 404:
      return status.NOT_FOUND;
    case 408:
      return status.CANCELLED;
    case 409:
      return status.ALREADY_EXISTS;
    case 429:
      return status.RESOURCE_EXHAUSTED;
    case 500:
      return status.UNKNOWN;
    case 501:
      return status.UNIMPLEMENTED;
    case 503:
      return status.UNAVAILABLE;
    case 504:
      return status.DEADLINE_EXCEEDED;
    default:
      return status.UNKNOWN;
  }
}

const HTTP_BY_GRPC: Record<number, number> = {
  [status.OK]: 200,
  [status.CANCELLED]: 408,
  [status.UNKNOWN]: 500,
  [status.INVALID_ARGUMENT]: 400,
  [status.DEADLINE_EXCEEDED]: 504,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.PERMISSION_DENIED]: 403,
  [status.UNAUTHENTICATED]: 401,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.FAILED_PRECONDITION]: 400,
  [status.ABORTED]: 409,
  [status.OUT_OF_RANGE]: 400,
  [status.UNIMPLEMENTED]: 501,
  [status.INTERNAL]: 500,
  [status.UNAVAILABLE]: 503,
  [status.DATA_LOSS]: 500,
};

export function httpStatusFromGrpc(code: number): number {
  return HTTP_BY_GRPC[code] ?? 500;
}

/** daprd cuts `http.error_message` to this many characters. */
const MAX_ERROR_MESSAGE = 63;

/**
 * daprd's ErrorFromHTTPResponseCode: code from the HTTP status, message = the status text, one
 * ErrorInfo{reason: status text, domain dapr.io, metadata {http.code, http.error_message}}.
 */
export function errorFromHttpStatus(httpStatus: number, body: Buffer | string): ServiceError {
  const code = grpcFromHttpStatus(httpStatus);
  const text = STATUS_CODES[httpStatus] ?? String(httpStatus);
  const bodyText = (typeof body === 'string' ? body : body.toString('utf8')).slice(0, MAX_ERROR_MESSAGE);
  const details = encodeStatus({
    code,
    message: text,
    details: [errorInfo(text, 'dapr.io', { 'http.code': String(httpStatus), 'http.error_message': bodyText })],
  });
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', details);
  return Object.assign(new Error(text), { code, details: text, metadata });
}
