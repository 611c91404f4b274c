/**
 * @module api/grpc/state
 * The state API over gRPC: GetState, GetBulkState, SaveState, DeleteState, DeleteBulkState,
 * ExecuteStateTransaction and QueryStateAlpha1. A thin adapter over api/universal/state.ts, as the
 * HTTP one: it maps the protobuf messages (etag as `Etag{value}`, the concurrency/consistency enums)
 * onto the universal requests and the results back. Values are bytes both ways (no JSON wrapping).
 */
import { DaprError } from '../../errors/dapr-error';
import * as state from '../universal/state';
import * as stateBulk from '../universal/state-bulk';
import type { GrpcCall, GrpcDeps, HandlerModule } from './call';

type Empty = Record<string, never>;

/** common.v1.Etag; null when the field is not set. */
type EtagPb = { value: string } | null;

/** common.v1.StateOptions; null when not set. */
type StateOptionsPb = { concurrency: number; consistency: number } | null;

interface StateItemPb {
  key: string;
  value: Buffer;
  etag: EtagPb;
  metadata: Record<string, string>;
  options: StateOptionsPb;
}

interface GetStateRequestPb {
  storeName: string;
  key: string;
  consistency: number;
  metadata: Record<string, string>;
}

interface GetStateResponsePb {
  data: Buffer;
  etag: string;
  metadata: Record<string, string>;
}

interface GetBulkStateRequestPb {
  storeName: string;
  keys: string[];
  parallelism: number;
  metadata: Record<string, string>;
}

interface BulkStateItemPb {
  key: string;
  data: Buffer;
  etag: string;
  error: string;
  metadata: Record<string, string>;
}

interface SaveStateRequestPb {
  storeName: string;
  states: StateItemPb[];
}

interface DeleteStateRequestPb {
  storeName: string;
  key: string;
  etag: EtagPb;
  options: StateOptionsPb;
  metadata: Record<string, string>;
}

interface DeleteBulkStateRequestPb {
  storeName: string;
  states: StateItemPb[];
}

interface ExecuteStateTransactionRequestPb {
  storeName: string;
  operations: Array<{ operationType: string; request: StateItemPb | null }>;
  metadata: Record<string, string>;
}

interface QueryStateRequestPb {
  storeName: string;
  query: string;
  metadata: Record<string, string>;
}

interface QueryStateResponsePb {
  results: Array<{ key: string; data: Buffer; etag: string; error: string }>;
  token: string;
  metadata: Record<string, string>;
}

/** StateOptions.StateConcurrency → the Dapr string (daprd stateConcurrencyToString: unknown numbers are unset). */
const CONCURRENCY: Record<number, 'first-write' | 'last-write'> = { 1: 'first-write', 2: 'last-write' };
/** StateOptions.StateConsistency → the Dapr string (unknown numbers are unset). */
const CONSISTENCY: Record<number, 'eventual' | 'strong'> = { 1: 'eventual', 2: 'strong' };

export function concurrencyOf(n: number | undefined): 'first-write' | 'last-write' | undefined {
  return n === undefined ? undefined : CONCURRENCY[n];
}

export function consistencyOf(n: number | undefined): 'eventual' | 'strong' | undefined {
  return n === undefined ? undefined : CONSISTENCY[n];
}

function optionsOf(o: StateOptionsPb | undefined): state.StateOptionsInput | undefined {
  if (!o) return undefined;
  return { concurrency: concurrencyOf(o.concurrency), consistency: consistencyOf(o.consistency) };
}

/** An unset Etag message and an empty value both mean "no etag" (as an empty JSON etag over HTTP). */
function etagOf(e: EtagPb | undefined): string | undefined {
  return e?.value || undefined;
}

function meta(m: Record<string, string> | undefined): Record<string, string> {
  return { ...m };
}

function target(deps: GrpcDeps, storeName: string): state.StateTarget {
  return state.stateTarget(deps.universal(), storeName);
}

/**
 * daprd decodes a value whose `contentType` metadata is application/json before storing it; a value
 * that is not JSON fails the call with the decoder's plain error (UNKNOWN).
 */
function checkJsonValue(item: StateItemPb): void {
  if (item.metadata?.contentType !== 'application/json') return;
  try {
    JSON.parse(item.value.toString('utf8'));
  } catch (err) {
    throw new DaprError('ERROR', err instanceof Error ? err.message : String(err));
  }
}

async function getState(deps: GrpcDeps, call: GrpcCall<GetStateRequestPb>): Promise<GetStateResponsePb> {
  const req = call.request;
  const t = target(deps, req.storeName);
  const got = await state.getState(t, { key: req.key, metadata: meta(req.metadata), consistency: consistencyOf(req.consistency) });
  // A missing key is an empty answer, not an error (daprd).
  return { data: got?.data ?? Buffer.alloc(0), etag: got?.etag ?? '', metadata: meta(got?.metadata) };
}

async function getBulkState(deps: GrpcDeps, call: GrpcCall<GetBulkStateRequestPb>): Promise<{ items: BulkStateItemPb[] }> {
  const req = call.request;
  const t = target(deps, req.storeName);
  const items = await stateBulk.getBulkState(t, { keys: req.keys ?? [], metadata: meta(req.metadata), parallelism: req.parallelism || undefined });
  return {
    items: items.map((i) => ({ key: i.key, data: i.data ?? Buffer.alloc(0), etag: i.etag ?? '', error: i.error ?? '', metadata: meta(i.metadata) })),
  };
}

async function saveState(deps: GrpcDeps, call: GrpcCall<SaveStateRequestPb>): Promise<Empty> {
  const req = call.request;
  const t = target(deps, req.storeName);
  const states = (req.states ?? []).map((item): state.StateItem => {
    checkJsonValue(item);
    return { key: item.key, value: item.value, etag: etagOf(item.etag), metadata: meta(item.metadata), options: optionsOf(item.options) };
  });
  await state.saveState(t, { states });
  return {};
}

async function deleteState(deps: GrpcDeps, call: GrpcCall<DeleteStateRequestPb>): Promise<Empty> {
  const req = call.request;
  const t = target(deps, req.storeName);
  await state.deleteState(t, { key: req.key, etag: etagOf(req.etag), metadata: meta(req.metadata), options: optionsOf(req.options) });
  return {};
}

async function deleteBulkState(deps: GrpcDeps, call: GrpcCall<DeleteBulkStateRequestPb>): Promise<Empty> {
  const req = call.request;
  const t = target(deps, req.storeName);
  const states = (req.states ?? []).map((item) => ({ key: item.key, etag: etagOf(item.etag), metadata: meta(item.metadata), options: optionsOf(item.options) }));
  await stateBulk.deleteBulkState(t, { states });
  return {};
}

async function executeStateTransaction(deps: GrpcDeps, call: GrpcCall<ExecuteStateTransactionRequestPb>): Promise<Empty> {
  const req = call.request;
  const t = target(deps, req.storeName);
  const operations = (req.operations ?? []).map(({ operationType, request }): state.TransactionRequest['operations'][number] => {
    const item = request ?? { key: '', value: Buffer.alloc(0), etag: null, metadata: {}, options: null };
    return {
      operation: operationType,
      request: {
        key: item.key,
        etag: etagOf(item.etag),
        metadata: meta(item.metadata),
        options: optionsOf(item.options),
        value: operationType === 'upsert' ? item.value : undefined,
      },
    };
  });
  await state.transaction(t, { operations, metadata: meta(req.metadata) });
  return {};
}

async function queryStateAlpha1(deps: GrpcDeps, call: GrpcCall<QueryStateRequestPb>): Promise<QueryStateResponsePb> {
  const req = call.request;
  const t = target(deps, req.storeName);
  state.requireQueryable(t); // before the query text is parsed, as daprd does
  let query: unknown;
  try {
    query = JSON.parse(req.query);
  } catch (err) {
    throw t.errors.query(new Error(`failed to parse JSON query body: ${err instanceof Error ? err.message : String(err)}`));
  }
  const found = await state.queryState(t, { query, metadata: meta(req.metadata) });
  if (found.results.length === 0) return { results: [], token: '', metadata: {} };
  return {
    results: found.results.map((r) => ({ key: r.key, data: r.data, etag: r.etag ?? '', error: r.error ?? '' })),
    token: found.token ?? '',
    metadata: meta(found.metadata),
  };
}

export const handlers: HandlerModule = {
  unary: {
    GetState: getState,
    GetBulkState: getBulkState,
    SaveState: saveState,
    DeleteState: deleteState,
    DeleteBulkState: deleteBulkState,
    ExecuteStateTransaction: executeStateTransaction,
    QueryStateAlpha1: queryStateAlpha1,
  },
};
