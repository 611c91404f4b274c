/**
 * @module errors/state
 * State API errors, built per store name (Dapr's rich-error builders for state).
 */
import { GRPC_CODE } from './codes';
import { DaprError } from './dapr-error';

export function stateErrors(storeName: string, appId: string) {
  const resource = { type: 'state', name: storeName };
  return {
    notConfigured: () =>
      new DaprError('ERR_STATE_STORE_NOT_CONFIGURED', `state store ${storeName} is not configured`, { metadata: { appID: appId } }),
    notFound: () => new DaprError('ERR_STATE_STORE_NOT_FOUND', `state store ${storeName} is not found`, { metadata: { appID: appId } }),
    illegalKey: (key: string) =>
      new DaprError('ERR_STATE_ILLEGAL_KEY', `input key/keyPrefix '${key}' can't contain '||'`, {
        metadata: { appID: appId },
        resource,
        fieldViolations: [{ field: key, description: `input key/keyPrefix '${key}' can't contain '||'` }],
      }),
    get: (key: string, cause: unknown) =>
      new DaprError('ERR_STATE_GET', `fail to get ${key} from state store ${storeName}: ${errText(cause)}`, { cause }),
    bulkGet: (cause: unknown) =>
      new DaprError('ERR_STATE_BULK_GET', `failed getting state in state store ${storeName}: ${errText(cause)}`, { cause }),
    save: (cause: unknown, status?: number, grpcCode?: number) =>
      new DaprError('ERR_STATE_SAVE', `failed saving state in state store ${storeName}: ${errText(cause)}`, { cause, status, grpcCode }),
    delete: (key: string, cause: unknown, status?: number, grpcCode?: number) =>
      new DaprError('ERR_STATE_DELETE', `failed deleting state with key ${key}: ${errText(cause)}`, { cause, status, grpcCode }),
    /** DeleteBulkState (gRPC only): daprd's ErrStateDeleteBulk wording, the etag codes as for one delete. */
    deleteBulk: (cause: unknown, status?: number, grpcCode?: number) =>
      new DaprError('ERR_STATE_DELETE', `failed deleting state in state store ${storeName}: ${errText(cause)}`, { cause, status, grpcCode }),
    transaction: (cause: unknown) =>
      new DaprError('ERR_STATE_TRANSACTION', `error while executing state transaction: ${errText(cause)}`, { cause }),
    operationNotSupported: (op: string) =>
      new DaprError('ERR_NOT_SUPPORTED_STATE_OPERATION', `operation type ${op} not supported`),
    transactionsNotSupported: () =>
      new DaprError('ERR_STATE_STORE_NOT_SUPPORTED', `state store ${storeName} doesn't support transactions`),
    /** INTERNAL over gRPC (the transactions case is UNIMPLEMENTED), as daprd. */
    queryNotSupported: () =>
      new DaprError('ERR_STATE_STORE_NOT_SUPPORTED', `state store ${storeName} doesn't support query`, { grpcCode: GRPC_CODE.INTERNAL }),
    query: (cause: unknown) =>
      new DaprError('ERR_STATE_QUERY', `failed query in state store ${storeName}: ${errText(cause)}`, { cause, metadata: { appID: appId }, resource }),
  };
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
