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
