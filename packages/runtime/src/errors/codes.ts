/**
 * @module errors/codes
 * The one catalogue of Dapr error codes this runtime emits: code, HTTP status, and the `DAPR_*`
 * reason where Dapr's rich errors carry one. Kept in sync with docs/errors.md by codes.test.ts.
 */
/** gRPC status codes (the values of @grpc/grpc-js `status`, kept here so the catalogue needs no import). */
export const GRPC_CODE = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export interface ErrorCodeEntry {
  readonly code: string;
  readonly status: number;
  readonly reason?: string;
  /** The gRPC status code (numeric, as @grpc/grpc-js `status`) the gRPC API answers with. */
  readonly grpc: number;
  readonly category: 'common' | 'security' | 'health' | 'invoke' | 'state' | 'pubsub' | 'bindings' | 'secrets' | 'metadata';
}

export const ERROR_CODES = {
  // --- common -----------------------------------------------------------------------------
  ERROR: { code: 'ERROR', status: 500, grpc: GRPC_CODE.UNKNOWN, category: 'common' },
  ERR_BAD_REQUEST: { code: 'ERR_BAD_REQUEST', status: 400, grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'common' },
  ERR_MALFORMED_REQUEST: { code: 'ERR_MALFORMED_REQUEST', status: 400, grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'common' },
  ERR_BODY_READ: { code: 'ERR_BODY_READ', status: 400, grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'common' },
  ERR_BODY_TOO_LARGE: { code: 'ERR_BODY_TOO_LARGE', status: 413, grpc: GRPC_CODE.RESOURCE_EXHAUSTED, category: 'common' },
  ERR_API_UNIMPLEMENTED: { code: 'ERR_API_UNIMPLEMENTED', status: 501, grpc: GRPC_CODE.UNIMPLEMENTED, category: 'common' },
  ERR_INTERNAL: { code: 'ERR_INTERNAL', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'common' },
  // --- security (minidapr's own: daprd has no such checks) --------------------------------
  ERR_HOST_NOT_ALLOWED: { code: 'ERR_HOST_NOT_ALLOWED', status: 403, grpc: GRPC_CODE.PERMISSION_DENIED, category: 'security' },
  ERR_ORIGIN_NOT_ALLOWED: { code: 'ERR_ORIGIN_NOT_ALLOWED', status: 403, grpc: GRPC_CODE.PERMISSION_DENIED, category: 'security' },
  ERR_REQUEST_TIMEOUT: { code: 'ERR_REQUEST_TIMEOUT', status: 408, grpc: GRPC_CODE.DEADLINE_EXCEEDED, category: 'security' },
  // --- health -----------------------------------------------------------------------------
  ERR_HEALTH_NOT_READY: { code: 'ERR_HEALTH_NOT_READY', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'health' },
  ERR_OUTBOUND_HEALTH_NOT_READY: { code: 'ERR_OUTBOUND_HEALTH_NOT_READY', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'health' },
  ERR_HEALTH_APPID_NOT_MATCH: { code: 'ERR_HEALTH_APPID_NOT_MATCH', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'health' },
  // --- service invocation -----------------------------------------------------------------
  ERR_DIRECT_INVOKE: { code: 'ERR_DIRECT_INVOKE', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'invoke' },
  ERR_DIRECT_INVOKE_NO_APP_ID: { code: 'ERR_DIRECT_INVOKE', status: 404, grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'invoke' },
  // --- state ------------------------------------------------------------------------------
  ERR_STATE_STORE_NOT_CONFIGURED: { code: 'ERR_STATE_STORE_NOT_CONFIGURED', status: 500, reason: 'DAPR_STATE_NOT_CONFIGURED', grpc: GRPC_CODE.FAILED_PRECONDITION, category: 'state' },
  ERR_STATE_STORE_NOT_FOUND: { code: 'ERR_STATE_STORE_NOT_FOUND', status: 400, reason: 'DAPR_STATE_NOT_FOUND', grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'state' },
  ERR_STATE_ILLEGAL_KEY: { code: 'ERR_MALFORMED_REQUEST', status: 400, reason: 'DAPR_STATE_ILLEGAL_KEY', grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'state' },
  ERR_STATE_GET: { code: 'ERR_STATE_GET', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'state' },
  ERR_STATE_BULK_GET: { code: 'ERR_STATE_BULK_GET', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'state' },
  ERR_STATE_SAVE: { code: 'ERR_STATE_SAVE', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'state' },
  ERR_STATE_DELETE: { code: 'ERR_STATE_DELETE', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'state' },
  ERR_STATE_TRANSACTION: { code: 'ERR_STATE_TRANSACTION', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'state' },
  ERR_NOT_SUPPORTED_STATE_OPERATION: { code: 'ERR_NOT_SUPPORTED_STATE_OPERATION', status: 400, grpc: GRPC_CODE.UNIMPLEMENTED, category: 'state' },
  ERR_STATE_STORE_NOT_SUPPORTED: { code: 'ERR_STATE_STORE_NOT_SUPPORTED', status: 500, grpc: GRPC_CODE.UNIMPLEMENTED, category: 'state' },
  ERR_STATE_QUERY: { code: 'ERR_STATE_QUERY', status: 500, reason: 'DAPR_STATE_QUERY_FAILED', grpc: GRPC_CODE.INTERNAL, category: 'state' },
  // --- pub/sub ----------------------------------------------------------------------------
  ERR_PUBSUB_NOT_CONFIGURED: { code: 'ERR_PUBSUB_NOT_CONFIGURED', status: 400, reason: 'DAPR_PUBSUB_NOT_CONFIGURED', grpc: GRPC_CODE.FAILED_PRECONDITION, category: 'pubsub' },
  ERR_PUBSUB_NOT_FOUND: { code: 'ERR_PUBSUB_NOT_FOUND', status: 404, reason: 'DAPR_PUBSUB_NOT_FOUND', grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'pubsub' },
  ERR_PUBSUB_EMPTY: { code: 'ERR_PUBSUB_EMPTY', status: 404, reason: 'DAPR_PUBSUB_NAME_EMPTY', grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'pubsub' },
  ERR_TOPIC_NAME_EMPTY: { code: 'ERR_TOPIC_NAME_EMPTY', status: 404, reason: 'DAPR_PUBSUB_TOPIC_NAME_EMPTY', grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'pubsub' },
  ERR_PUBSUB_PUBLISH_MESSAGE: { code: 'ERR_PUBSUB_PUBLISH_MESSAGE', status: 500, reason: 'DAPR_PUBSUB_PUBLISH_MESSAGE', grpc: GRPC_CODE.INTERNAL, category: 'pubsub' },
  ERR_PUBSUB_FORBIDDEN: { code: 'ERR_PUBSUB_FORBIDDEN', status: 403, reason: 'DAPR_PUBSUB_FORBIDDEN', grpc: GRPC_CODE.PERMISSION_DENIED, category: 'pubsub' },
  ERR_PUBSUB_REQUEST_METADATA: { code: 'ERR_PUBSUB_REQUEST_METADATA', status: 400, reason: 'DAPR_PUBSUB_METADATA_DESERIALIZATION', grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'pubsub' },
  ERR_PUBSUB_CLOUD_EVENTS_SER: { code: 'ERR_PUBSUB_CLOUD_EVENTS_SER', status: 500, reason: 'DAPR_PUBSUB_CLOUD_EVENT_CREATION', grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'pubsub' },
  /** The event's JSON is nested deeper than MAX_JSON_DEPTH: the caller's fault, so 400. */
  ERR_PUBSUB_CLOUD_EVENT_TOO_DEEP: { code: 'ERR_PUBSUB_CLOUD_EVENTS_SER', status: 400, reason: 'DAPR_PUBSUB_CLOUD_EVENT_CREATION', grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'pubsub' },
  ERR_PUBSUB_EVENTS_SER: { code: 'ERR_PUBSUB_EVENTS_SER', status: 400, reason: 'DAPR_PUBSUB_MARSHAL_EVENTS', grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'pubsub' },
  // --- bindings ---------------------------------------------------------------------------
  ERR_INVOKE_OUTPUT_BINDING: { code: 'ERR_INVOKE_OUTPUT_BINDING', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'bindings' },
  ERR_MALFORMED_REQUEST_DATA: { code: 'ERR_MALFORMED_REQUEST_DATA', status: 500, grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'bindings' },
  // --- metadata ---------------------------------------------------------------------------
  ERR_METADATA_LIMIT: { code: 'ERR_METADATA_LIMIT', status: 400, grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'metadata' },
  // --- secrets ----------------------------------------------------------------------------
  ERR_SECRET_STORES_NOT_CONFIGURED: { code: 'ERR_SECRET_STORES_NOT_CONFIGURED', status: 500, grpc: GRPC_CODE.FAILED_PRECONDITION, category: 'secrets' },
  ERR_SECRET_STORE_NOT_FOUND: { code: 'ERR_SECRET_STORE_NOT_FOUND', status: 401, grpc: GRPC_CODE.INVALID_ARGUMENT, category: 'secrets' },
  ERR_PERMISSION_DENIED: { code: 'ERR_PERMISSION_DENIED', status: 403, grpc: GRPC_CODE.PERMISSION_DENIED, category: 'secrets' },
  ERR_SECRET_GET: { code: 'ERR_SECRET_GET', status: 500, grpc: GRPC_CODE.INTERNAL, category: 'secrets' },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCodeName = keyof typeof ERROR_CODES;
