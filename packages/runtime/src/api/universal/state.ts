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
import type { PolicyRunner } from '../../resiliency/runner';
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
import { outboundRunner, permanentComponentErrors, runOutbound } from './resilient';
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
  /** The store's outbound resiliency policy (asked per call: the Resiliency is loaded with the components). */
  outbound(): PolicyRunner;
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
    outbound: () => outboundRunner(u, storeName, 'state'),
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

/** The options checked (shared with state-bulk.ts). */
export function checkOptions(o: StateOptionsInput | undefined, onBad: (msg: string) => DaprError): StateOptions | undefined {
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

/**
 * Saves every item, one set after the other. Under a retry policy an attempt resumes at the first
 * item not saved yet; an ETag error is never retried (daprd's PerformBulkStoreOperation).
 */
export async function saveState(t: StateTarget, req: SaveStateRequest): Promise<void> {
  const items: SetRequest[] = new Array(req.states.length);
  for (let i = 0; i < items.length; i++) {
    const item = req.states[i] as StateItem;
    requireKey(item.key);
    items[i] = { key: t.prefix(item.key), value: item.value, etag: item.etag, metadata: item.metadata, options: checkOptions(item.options, saveOptionError(t)) };
  }
  let next = 0;
  try {
    await runOutbound(
      t.outbound(),
      async (signal) => {
        // An abandoned (timed-out) attempt stops before its next item.
        while (next < items.length && !signal?.aborted) {
          await t.store.set(items[next] as SetRequest);
          if (!signal?.aborted) next++;
        }
      },
      { errorStatus: permanentComponentErrors },
    );
  } catch (err) {
    throw mapComponentError(err, t.errors.save);
  }
}

/** The stored value, or undefined when the key has none. */
export async function getState(t: StateTarget, req: GetStateRequest): Promise<GetStateResult | undefined> {
  try {
    const options = req.consistency ? { consistency: req.consistency as StateOptions['consistency'] } : undefined;
    const get = { key: t.prefix(req.key), metadata: req.metadata, options };
    return (await runOutbound(t.outbound(), () => t.store.get(get), { errorStatus: permanentComponentErrors })) ?? undefined;
  } catch (err) {
    if (isDaprErr(err)) throw err;
    throw t.errors.get(req.key, err);
  }
}

export async function deleteState(t: StateTarget, req: DeleteStateRequest): Promise<void> {
  const options = checkOptions(req.options, (m) => t.errors.delete(req.key, new Error(m)));
  const del = { key: t.prefix(req.key), etag: req.etag || undefined, metadata: req.metadata, options };
  try {
    await runOutbound(t.outbound(), () => t.store.delete(del), { errorStatus: permanentComponentErrors });
  } catch (err) {
    if (isDaprErr(err)) throw err;
    throw mapComponentError(err, (cause, status, grpcCode) => t.errors.delete(req.key, cause, status, grpcCode));
  }
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
    // As daprd: the whole transaction is retried, whatever failed.
    await runOutbound(t.outbound(), () => store.multi(ops, req.metadata));
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
    const q = { ...query, keyPrefix: t.base, metadata: req.metadata };
    found = await runOutbound(t.outbound(), () => store.query(q));
  } catch (err) {
    throw t.errors.query(err);
  }
  const out: QueryStateResult = { results: found.results.map((r) => ({ ...r, key: t.unprefix(r.key) })) };
  if (found.token) out.token = found.token;
  if (found.metadata) out.metadata = found.metadata;
  return out;
}
