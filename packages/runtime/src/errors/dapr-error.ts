/**
 * @module errors/dapr-error
 * DaprError: an API error with Dapr's wire shape (`errorCode`, `message`, optional `details`).
 */
import { ERROR_CODES, type ErrorCodeName } from './codes';

const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';
const RESOURCE_INFO_TYPE = 'type.googleapis.com/google.rpc.ResourceInfo';
const BAD_REQUEST_TYPE = 'type.googleapis.com/google.rpc.BadRequest';

export interface ResourceInfo {
  type: string;
  name: string;
}

export interface DaprErrorBody {
  errorCode: string;
  message: string;
  details?: Array<Record<string, unknown>>;
}

export class DaprError extends Error {
  readonly code: string;
  readonly status: number;
  readonly reason?: string;
  readonly metadata: Record<string, string>;
  readonly resource?: ResourceInfo;
  readonly headers?: Record<string, string>;
  /** The gRPC status code of this error (the catalogue's unless the thrower overrides it). */
  readonly grpcCode: number;
  /** BadRequest field violations (illegal key), sent as a google.rpc.BadRequest detail. */
  readonly fieldViolations?: Array<{ field: string; description: string }>;

  constructor(
    name: ErrorCodeName,
    message: string,
    opts: {
      metadata?: Record<string, string>;
      resource?: ResourceInfo;
      cause?: unknown;
      status?: number;
      headers?: Record<string, string>;
      grpcCode?: number;
      fieldViolations?: Array<{ field: string; description: string }>;
    } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    const entry = ERROR_CODES[name] as { code: string; status: number; grpc: number; reason?: string };
    this.name = 'DaprError';
    this.code = entry.code;
    this.status = opts.status ?? entry.status;
    this.reason = entry.reason;
    this.metadata = opts.metadata ?? {};
    this.resource = opts.resource;
    this.headers = opts.headers;
    this.grpcCode = opts.grpcCode ?? entry.grpc;
    if (opts.fieldViolations) this.fieldViolations = opts.fieldViolations;
  }

  toJSON(): DaprErrorBody {
    const body: DaprErrorBody = { errorCode: this.code, message: this.message };
    if (this.reason) {
      const details: Array<Record<string, unknown>> = [
        { '@type': ERROR_INFO_TYPE, domain: 'dapr.io', metadata: this.metadata, reason: this.reason },
      ];
      if (this.resource) {
        details.push({
          '@type': RESOURCE_INFO_TYPE,
          description: this.message,
          owner: '',
          resource_name: this.resource.name,
          resource_type: this.resource.type,
        });
      }
      if (this.fieldViolations) details.push({ '@type': BAD_REQUEST_TYPE, field_violations: this.fieldViolations });
      body.details = details;
    }
    return body;
  }
}

export function isDaprError(err: unknown): err is DaprError {
  return err instanceof DaprError;
}
