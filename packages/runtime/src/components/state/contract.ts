/**
 * @module components/state/contract
 * The state store contract: a small base interface plus optional capabilities, each a separate
 * interface with a feature constant and a type guard (components-contrib state/store.go).
 */
import type { Component } from '../types';

export const STATE_FEATURES = {
  ETAG: 'ETAG',
  TRANSACTIONAL: 'TRANSACTIONAL',
  QUERY_API: 'QUERY_API',
  TTL: 'TTL',
  DELETE_WITH_PREFIX: 'DELETE_WITH_PREFIX',
  KEYS_LIKE: 'KEYS_LIKE',
} as const;

export interface StateOptions {
  concurrency?: 'first-write' | 'last-write';
  consistency?: 'strong' | 'eventual';
}

export interface GetRequest {
  key: string;
  metadata?: Record<string, string>;
  options?: StateOptions;
}

export interface GetResponse {
  /** The stored bytes, verbatim (JSON as saved). */
  data: Buffer;
  etag?: string;
  metadata?: Record<string, string>;
}

export interface SetRequest {
  key: string;
  /** Already JSON-encoded by the API layer. */
  value: Buffer;
  etag?: string;
  metadata?: Record<string, string>;
  options?: StateOptions;
}

export interface DeleteRequest {
  key: string;
  etag?: string;
  metadata?: Record<string, string>;
  options?: StateOptions;
}

export type TransactionOperation = { operation: 'upsert'; request: SetRequest } | { operation: 'delete'; request: DeleteRequest };

export interface StateStore extends Component {
  get(req: GetRequest): Promise<GetResponse | undefined>;
  set(req: SetRequest): Promise<void>;
  delete(req: DeleteRequest): Promise<void>;
}

export interface TransactionalStateStore extends StateStore {
  multi(operations: readonly TransactionOperation[], metadata?: Record<string, string>): Promise<void>;
}

export function isTransactional(store: StateStore): store is TransactionalStateStore {
  return store.features().includes(STATE_FEATURES.TRANSACTIONAL) && typeof (store as TransactionalStateStore).multi === 'function';
}

/** Alpha query API (`POST /v1.0-alpha1/state/{store}/query`): Dapr's query language. */
export type QueryFilter =
  | { EQ: Record<string, unknown> }
  | { NEQ: Record<string, unknown> }
  | { GT: Record<string, unknown> }
  | { GTE: Record<string, unknown> }
  | { LT: Record<string, unknown> }
  | { LTE: Record<string, unknown> }
  | { IN: Record<string, unknown[]> }
  | { AND: QueryFilter[] }
  | { OR: QueryFilter[] };

export interface QueryRequest {
  filter?: QueryFilter;
  sort?: Array<{ key: string; order?: 'ASC' | 'DESC' }>;
  page?: { limit?: number; token?: string };
  /** Only keys with this prefix (the API layer's `appid||`) are candidates. */
  keyPrefix: string;
  metadata?: Record<string, string>;
}

export interface QueryResult {
  /** Stored key, still prefixed; the API layer strips the prefix. */
  key: string;
  data: Buffer;
  etag?: string;
  error?: string;
}

export interface QueryResponse {
  results: QueryResult[];
  token?: string;
  metadata?: Record<string, string>;
}

export interface QueryableStateStore extends StateStore {
  query(req: QueryRequest): Promise<QueryResponse>;
}

export function isQueryable(store: StateStore): store is QueryableStateStore {
  return store.features().includes(STATE_FEATURES.QUERY_API) && typeof (store as QueryableStateStore).query === 'function';
}
