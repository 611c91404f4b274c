/**
 * @module api/universal/state
 * The state building block, transport-neutral: store lookup, key prefixing per the store's keyPrefix
 * setting (parsed at init), option checks, ETag error mapping and Dapr error construction. Values
 * arrive and leave as bytes; decoding request bodies and encoding answers is the adapters' job.
 *
 * Every operation takes a StateTarget from stateTarget() so that an adapter can check the store
 * before it reads a request body (daprd answers a missing store before a malformed body).
 */
import { ETagInvalidError, ETagMismatchError } from '../../components/errors';
import type { KeyPrefix } from '../../components/settings';
import {
  isQueryable,
  isTransactional,
  type QueryableStateStore,
  type StateOptions,
  type SetRequest,
  type StateStore,
  type TransactionOperation,
  type TransactionalStateStore,
} from '../../components/state/contract';
import { GRPC_CODE } from '../../errors/codes';
import { commonErrors } from '../../errors/common';
import type { DaprError } from '../../errors/dapr-error';
import { stateErrors } from '../../errors/state';
import type { UniversalContext } from './context';
import { parseQuery } from './state-query';

export type StateErrors = ReturnType<typeof stateErrors>;

export interface StateTarget {
  storeName: string;
  store: StateStore;
  errors: StateErrors;
  /** The key prefix including `||`, or '' for keyPrefix none. */
  base: string;
  prefix(key: string): string;
  unprefix(key: string): string;
}

/** Concurrency and consistency as sent (checked here: anything but the Dapr values is an error). */
export interface StateOptionsInput {
  concurrency?: unknown;
  consistency?: unknown;
}

export interface StateItem {
  key: string;
  value: Buffer;
  etag?: string;
  metadata: Record<string, string>;
  options?: StateOptionsInput;
}

export interface SaveStateRequest {
  states: StateItem[];
}

export interface GetStateRequest {
  key: string;
  metadata: Record<string, string>;
  consistency?: string;
}

export interface GetStateResult {
  data: Buffer;
  etag?: string;
  metadata?: Record<string, string>;
}

export interface DeleteStateRequest {
  key: string;
  etag?: string;
  metadata: Record<string, string>;
  options?: StateOptionsInput;
}

export interface GetBulkStateRequest {
  keys: string[];
  metadata: Record<string, string>;
  /** Reads in flight at most; unset or not positive = daprd's default (100). */
  parallelism?: number;
}

/** One key's answer: data (and etag/metadata) when found, error when the read failed, neither when absent. */
export interface BulkStateItem {
  key: string;
  data?: Buffer;
  etag?: string;
  metadata?: Record<string, string>;
  error?: string;
}

export interface TransactionRequest {
  operations: Array<{ operation: string; request: Omit<StateItem, 'value'> & { value?: Buffer } }>;
  metadata: Record<string, string>;
}

export interface QueryStateRequest {
  /** The query document as sent (checked here): `{filter, sort, page}`. */
  query: unknown;
  metadata: Record<string, string>;
}

export interface QueryStateResult {
  results: Array<{ key: string; data: Buffer; etag?: string; error?: string }>;
  token?: string;
  metadata?: Record<string, string>;
}

/** The stored key prefix (without `||`) for a keyPrefix setting. */
export function keyPrefixBase(keyPrefix: KeyPrefix, storeName: string, appId: string, namespace?: string): string {
  switch (keyPrefix.kind) {
    case 'appid': return appId;
    case 'name': return storeName;
    case 'namespace': return namespace ? `${namespace}.${appId}` : appId;
    case 'none': return '';
    case 'custom': return keyPrefix.value;
  }
}

/** The state store by name, or ERR_STATE_STORE_NOT_CONFIGURED / ERR_STATE_STORE_NOT_FOUND. */
/** Targets by store entry and context: the key prefix is settled once per store (settings are parsed at init). */
const targets = new WeakMap<object, WeakMap<UniversalContext, StateTarget>>();

export function stateTarget(u: UniversalContext, storeName: string): StateTarget {
  const found = u.store.lookup<StateStore>('state', storeName);
  if (!found.ok) {
    const errors = stateErrors(storeName, u.appId);
    throw found.reason === 'not-configured' ? errors.notConfigured() : errors.notFound();
  }
  let byContext = targets.get(found.component);
  if (byContext === undefined) targets.set(found.component, (byContext = new WeakMap()));
  let t = byContext.get(u);
  if (t === undefined) byContext.set(u, (t = makeTarget(u, storeName, found.component.instance, found.component.settings.state?.keyPrefix ?? { kind: 'appid' })));
  return t;
}

function makeTarget(u: UniversalContext, storeName: string, store: StateStore, keyPrefix: KeyPrefix): StateTarget {
  const errors = stateErrors(storeName, u.appId);
  const base = keyPrefixBase(keyPrefix, storeName, u.appId, u.namespace);
  const full = base ? `${base}||` : '';
  return {
    storeName,
    store,
    errors,
    base: full,
    prefix: (key) => {
      if (key.includes('||')) throw errors.illegalKey(key);
      return full + key;
    },
    unprefix: (key) => (full && key.startsWith(full) ? key.slice(full.length) : key),
  };
}

/** The store, or ERR_STATE_STORE_NOT_SUPPORTED when it cannot run transactions. */
export function requireTransactional(t: StateTarget): TransactionalStateStore {
  if (!isTransactional(t.store)) throw t.errors.transactionsNotSupported();
  return t.store;
}

/** The store, or ERR_STATE_STORE_NOT_SUPPORTED when it cannot answer queries. */
export function requireQueryable(t: StateTarget): QueryableStateStore {
  if (!isQueryable(t.store)) throw t.errors.queryNotSupported();
  return t.store;
}

function checkOptions(o: StateOptionsInput | undefined, onBad: (msg: string) => DaprError): StateOptions | undefined {
  if (!o) return undefined;
  const out: StateOptions = {};
  const { concurrency, consistency } = o;
  if (concurrency !== undefined && concurrency !== '') {
    if (concurrency !== 'first-write' && concurrency !== 'last-write') throw onBad(`invalid concurrency ${JSON.stringify(concurrency)}`);
    out.concurrency = concurrency;
  }
  if (consistency !== undefined && consistency !== '') {
    if (consistency !== 'strong' && consistency !== 'eventual') throw onBad(`invalid consistency ${JSON.stringify(consistency)}`);
    out.consistency = consistency;
  }
  return out;
}

/** The error for bad options in a save: built only when one is bad. */
function saveOptionError(t: StateTarget): (msg: string) => DaprError {
  return (m) => t.errors.save(new Error(m));
}

function requireKey(key: string): void {
  if (key === '') throw commonErrors.malformedRequest('"key" is a required field');
}

/** ETag mismatch: HTTP 409 / gRPC ABORTED; invalid ETag: 400 / INVALID_ARGUMENT (daprd stateErrorResponse, plain status). */
function mapComponentError(err: unknown, make: (cause: unknown, status?: number, grpcCode?: number) => DaprError): DaprError {
  if (err instanceof ETagMismatchError) return make(err, 409, GRPC_CODE.ABORTED);
  if (err instanceof ETagInvalidError) return make(err, 400, GRPC_CODE.INVALID_ARGUMENT);
  return make(err);
}

function isDaprErr(err: unknown): boolean {
  return (err as DaprError | undefined)?.name === 'DaprError';
}

export async function saveState(t: StateTarget, req: SaveStateRequest): Promise<void> {
  const items: SetRequest[] = new Array(req.states.length);
  for (let i = 0; i < items.length; i++) {
    const item = req.states[i] as StateItem;
    requireKey(item.key);
    items[i] = { key: t.prefix(item.key), value: item.value, etag: item.etag, metadata: item.metadata, options: checkOptions(item.options, saveOptionError(t)) };
  }
  for (const item of items) {
    try {
      await t.store.set(item);
    } catch (err) {
      throw mapComponentError(err, t.errors.save);
    }
  }
}

/** The stored value, or undefined when the key has none. */
export async function getState(t: StateTarget, req: GetStateRequest): Promise<GetStateResult | undefined> {
  try {
    const options = req.consistency ? { consistency: req.consistency as StateOptions['consistency'] } : undefined;
    return (await t.store.get({ key: t.prefix(req.key), metadata: req.metadata, options })) ?? undefined;
  } catch (err) {
    if (isDaprErr(err)) throw err;
    throw t.errors.get(req.key, err);
  }
}

export async function deleteState(t: StateTarget, req: DeleteStateRequest): Promise<void> {
  const options = checkOptions(req.options, (m) => t.errors.delete(req.key, new Error(m)));
  try {
    await t.store.delete({ key: t.prefix(req.key), etag: req.etag || undefined, metadata: req.metadata, options });
  } catch (err) {
    if (isDaprErr(err)) throw err;
    throw mapComponentError(err, (cause, status, grpcCode) => t.errors.delete(req.key, cause, status, grpcCode));
  }
}

export interface DeleteBulkStateRequest {
  states: DeleteStateRequest[];
}

/**
 * Deletes every item (daprd DeleteBulkState, gRPC only): all keys are checked first; one item is a
 * plain delete, several run side by side and every failure is reported, the messages joined by
 * newlines. The answer is an etag error (mismatch, or invalid when one was invalid) only when every
 * failure was one, as daprd's PerformBulkStoreOperation decides.
 */
export async function deleteBulkState(t: StateTarget, req: DeleteBulkStateRequest): Promise<void> {
  const items = req.states.map((item) => ({
    key: t.prefix(item.key),
    etag: item.etag || undefined,
    metadata: item.metadata,
    options: checkOptions(item.options, (m) => t.errors.deleteBulk(new Error(m))),
  }));
  if (items.length === 0) return;
  const results = await Promise.allSettled(items.map((item) => t.store.delete(item)));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 0) return;
  if (failures.length === 1 && items.length === 1 && isDaprErr(failures[0])) throw failures[0];
  const cause = failures.length === 1 ? failures[0] : new Error(failures.map((f) => (f instanceof Error ? f.message : String(f))).join('\n'));
  if (failures.every((f) => f instanceof ETagMismatchError || f instanceof ETagInvalidError)) {
    const invalid = failures.some((f) => f instanceof ETagInvalidError);
    throw t.errors.deleteBulk(cause, invalid ? 400 : 409, invalid ? GRPC_CODE.INVALID_ARGUMENT : GRPC_CODE.ABORTED);
  }
  throw t.errors.deleteBulk(cause);
}

/** Bulk get fans out to `get` with at most this many reads in flight when `parallelism` is unset (daprd's limiter default). */
const DEFAULT_BULK_PARALLELISM = 100;

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** One answer per key in the request order; a failed read is an entry with `error`, not a failure. */
export async function getBulkState(t: StateTarget, req: GetBulkStateRequest): Promise<BulkStateItem[]> {
  const keys = req.keys.map((key) => ({ key, stored: t.prefix(key) }));
  const limit = req.parallelism !== undefined && req.parallelism > 0 ? req.parallelism : DEFAULT_BULK_PARALLELISM;
  return mapBounded(keys, limit, async ({ key, stored }): Promise<BulkStateItem> => {
    try {
      const got = await t.store.get({ key: stored, metadata: req.metadata });
      if (!got) return { key };
      const entry: BulkStateItem = { key, data: got.data };
      if (got.etag) entry.etag = got.etag;
      if (got.metadata && Object.keys(got.metadata).length > 0) entry.metadata = got.metadata;
      return entry;
    } catch (err) {
      return { key, error: err instanceof Error ? err.message : String(err) };
    }
  });
}

export async function transaction(t: StateTarget, req: TransactionRequest): Promise<void> {
  const store = requireTransactional(t);
  const ops: TransactionOperation[] = req.operations.map(({ operation, request }) => {
    requireKey(request.key);
    const common = {
      key: t.prefix(request.key),
      etag: request.etag,
      metadata: request.metadata,
      options: checkOptions(request.options, (m) => t.errors.transaction(new Error(m))),
    };
    if (operation === 'upsert') return { operation: 'upsert', request: { ...common, value: request.value ?? Buffer.from('null') } };
    if (operation === 'delete') return { operation: 'delete', request: common };
    throw t.errors.operationNotSupported(operation);
  });
  if (ops.length === 0) return;
  try {
    await store.multi(ops, req.metadata);
  } catch (err) {
    throw t.errors.transaction(err);
  }
}

/** Query results with the keys unprefixed; an empty result list means "nothing found". */
export async function queryState(t: StateTarget, req: QueryStateRequest): Promise<QueryStateResult> {
  const store = requireQueryable(t);
  const query = parseQuery(req.query);
  let found;
  try {
    found = await store.query({ ...query, keyPrefix: t.base, metadata: req.metadata });
  } catch (err) {
    throw t.errors.query(err);
  }
  const out: QueryStateResult = { results: found.results.map((r) => ({ ...r, key: t.unprefix(r.key) })) };
  if (found.token) out.token = found.token;
  if (found.metadata) out.metadata = found.metadata;
  return out;
}
