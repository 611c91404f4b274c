/**
 * @module errors/codes
 * The one catalogue of Dapr error codes this runtime emits: code, HTTP status, and the `DAPR_*`
 * reason where Dapr's rich errors carry one. Kept in sync with docs/errors.md by codes.test.ts.
 */
export interface ErrorCodeEntry {
  readonly code: string;
  readonly status: number;
  readonly reason?: string;
  readonly category: 'common' | 'security' | 'health' | 'invoke' | 'state' | 'pubsub' | 'bindings' | 'secrets' | 'metadata';
}

export const ERROR_CODES = {
  // --- common -----------------------------------------------------------------------------
  ERROR: { code: 'ERROR', status: 500, category: 'common' },
  ERR_BAD_REQUEST: { code: 'ERR_BAD_REQUEST', status: 400, category: 'common' },
  ERR_MALFORMED_REQUEST: { code: 'ERR_MALFORMED_REQUEST', status: 400, category: 'common' },
  ERR_BODY_READ: { code: 'ERR_BODY_READ', status: 400, category: 'common' },
  ERR_BODY_TOO_LARGE: { code: 'ERR_BODY_TOO_LARGE', status: 413, category: 'common' },
  ERR_API_UNIMPLEMENTED: { code: 'ERR_API_UNIMPLEMENTED', status: 501, category: 'common' },
  ERR_INTERNAL: { code: 'ERR_INTERNAL', status: 500, category: 'common' },
  // --- security (minidapr's own: daprd has no such checks) --------------------------------
  ERR_HOST_NOT_ALLOWED: { code: 'ERR_HOST_NOT_ALLOWED', status: 403, category: 'security' },
  ERR_ORIGIN_NOT_ALLOWED: { code: 'ERR_ORIGIN_NOT_ALLOWED', status: 403, category: 'security' },
  ERR_REQUEST_TIMEOUT: { code: 'ERR_REQUEST_TIMEOUT', status: 408, category: 'security' },
  // --- health -----------------------------------------------------------------------------
  ERR_HEALTH_NOT_READY: { code: 'ERR_HEALTH_NOT_READY', status: 500, category: 'health' },
  ERR_OUTBOUND_HEALTH_NOT_READY: { code: 'ERR_OUTBOUND_HEALTH_NOT_READY', status: 500, category: 'health' },
  ERR_HEALTH_APPID_NOT_MATCH: { code: 'ERR_HEALTH_APPID_NOT_MATCH', status: 500, category: 'health' },
  // --- service invocation -----------------------------------------------------------------
  ERR_DIRECT_INVOKE: { code: 'ERR_DIRECT_INVOKE', status: 500, category: 'invoke' },
  ERR_DIRECT_INVOKE_NO_APP_ID: { code: 'ERR_DIRECT_INVOKE', status: 404, category: 'invoke' },
  // --- state ------------------------------------------------------------------------------
  ERR_STATE_STORE_NOT_CONFIGURED: { code: 'ERR_STATE_STORE_NOT_CONFIGURED', status: 500, reason: 'DAPR_STATE_NOT_CONFIGURED', category: 'state' },
  ERR_STATE_STORE_NOT_FOUND: { code: 'ERR_STATE_STORE_NOT_FOUND', status: 400, reason: 'DAPR_STATE_NOT_FOUND', category: 'state' },
  ERR_STATE_ILLEGAL_KEY: { code: 'ERR_MALFORMED_REQUEST', status: 400, reason: 'DAPR_STATE_ILLEGAL_KEY', category: 'state' },
  ERR_STATE_GET: { code: 'ERR_STATE_GET', status: 500, category: 'state' },
  ERR_STATE_BULK_GET: { code: 'ERR_STATE_BULK_GET', status: 500, category: 'state' },
  ERR_STATE_SAVE: { code: 'ERR_STATE_SAVE', status: 500, category: 'state' },
  ERR_STATE_DELETE: { code: 'ERR_STATE_DELETE', status: 500, category: 'state' },
  ERR_STATE_TRANSACTION: { code: 'ERR_STATE_TRANSACTION', status: 500, category: 'state' },
  ERR_NOT_SUPPORTED_STATE_OPERATION: { code: 'ERR_NOT_SUPPORTED_STATE_OPERATION', status: 400, category: 'state' },
  ERR_STATE_STORE_NOT_SUPPORTED: { code: 'ERR_STATE_STORE_NOT_SUPPORTED', status: 500, category: 'state' },
  ERR_STATE_QUERY: { code: 'ERR_STATE_QUERY', status: 500, reason: 'DAPR_STATE_QUERY_FAILED', category: 'state' },
  // --- pub/sub ----------------------------------------------------------------------------
  ERR_PUBSUB_NOT_CONFIGURED: { code: 'ERR_PUBSUB_NOT_CONFIGURED', status: 400, reason: 'DAPR_PUBSUB_NOT_CONFIGURED', category: 'pubsub' },
  ERR_PUBSUB_NOT_FOUND: { code: 'ERR_PUBSUB_NOT_FOUND', status: 404, reason: 'DAPR_PUBSUB_NOT_FOUND', category: 'pubsub' },
  ERR_PUBSUB_EMPTY: { code: 'ERR_PUBSUB_EMPTY', status: 404, reason: 'DAPR_PUBSUB_NAME_EMPTY', category: 'pubsub' },
  ERR_TOPIC_NAME_EMPTY: { code: 'ERR_TOPIC_NAME_EMPTY', status: 404, reason: 'DAPR_PUBSUB_TOPIC_NAME_EMPTY', category: 'pubsub' },
  ERR_PUBSUB_PUBLISH_MESSAGE: { code: 'ERR_PUBSUB_PUBLISH_MESSAGE', status: 500, reason: 'DAPR_PUBSUB_PUBLISH_MESSAGE', category: 'pubsub' },
  ERR_PUBSUB_FORBIDDEN: { code: 'ERR_PUBSUB_FORBIDDEN', status: 403, reason: 'DAPR_PUBSUB_FORBIDDEN', category: 'pubsub' },
  ERR_PUBSUB_REQUEST_METADATA: { code: 'ERR_PUBSUB_REQUEST_METADATA', status: 400, reason: 'DAPR_PUBSUB_METADATA_DESERIALIZATION', category: 'pubsub' },
  ERR_PUBSUB_CLOUD_EVENTS_SER: { code: 'ERR_PUBSUB_CLOUD_EVENTS_SER', status: 500, reason: 'DAPR_PUBSUB_CLOUD_EVENT_CREATION', category: 'pubsub' },
  /** The event's JSON is nested deeper than MAX_JSON_DEPTH: the caller's fault, so 400. */
  ERR_PUBSUB_CLOUD_EVENT_TOO_DEEP: { code: 'ERR_PUBSUB_CLOUD_EVENTS_SER', status: 400, reason: 'DAPR_PUBSUB_CLOUD_EVENT_CREATION', category: 'pubsub' },
  ERR_PUBSUB_EVENTS_SER: { code: 'ERR_PUBSUB_EVENTS_SER', status: 400, reason: 'DAPR_PUBSUB_MARSHAL_EVENTS', category: 'pubsub' },
  // --- bindings ---------------------------------------------------------------------------
  ERR_INVOKE_OUTPUT_BINDING: { code: 'ERR_INVOKE_OUTPUT_BINDING', status: 500, category: 'bindings' },
  ERR_MALFORMED_REQUEST_DATA: { code: 'ERR_MALFORMED_REQUEST_DATA', status: 500, category: 'bindings' },
  // --- metadata ---------------------------------------------------------------------------
  ERR_METADATA_LIMIT: { code: 'ERR_METADATA_LIMIT', status: 400, category: 'metadata' },
  // --- secrets ----------------------------------------------------------------------------
  ERR_SECRET_STORES_NOT_CONFIGURED: { code: 'ERR_SECRET_STORES_NOT_CONFIGURED', status: 500, category: 'secrets' },
  ERR_SECRET_STORE_NOT_FOUND: { code: 'ERR_SECRET_STORE_NOT_FOUND', status: 401, category: 'secrets' },
  ERR_PERMISSION_DENIED: { code: 'ERR_PERMISSION_DENIED', status: 403, category: 'secrets' },
  ERR_SECRET_GET: { code: 'ERR_SECRET_GET', status: 500, category: 'secrets' },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCodeName = keyof typeof ERROR_CODES;
