/**
 * @module components/state/in-memory
 * state.in-memory: a per-process store with ETags (UUIDs), first-write, TTL and transactions.
 */
import { randomUUID } from 'node:crypto';
import { ETagMismatchError } from '../../errors';
import type { FactoryContext } from '../../types';
import {
  STATE_FEATURES,
  type DeleteRequest,
  type GetRequest,
  type GetResponse,
  type SetRequest,
  type TransactionOperation,
  type TransactionalStateStore,
} from '../contract';
import { expiresAtMs, parseTtl } from '../ttl';

interface Item {
  data: Buffer;
  etag: string;
  expiresAt?: number;
}

const FEATURES = [STATE_FEATURES.ETAG, STATE_FEATURES.TRANSACTIONAL, STATE_FEATURES.TTL] as const;

export class InMemoryStateStore implements TransactionalStateStore {
  private readonly items = new Map<string, Item>();

  async init(): Promise<void> {}

  async close(): Promise<void> {
    this.items.clear();
  }

  features(): readonly string[] {
    return FEATURES;
  }

  async get(req: GetRequest): Promise<GetResponse | undefined> {
    const item = this.live(req.key);
    if (!item) return undefined;
    const metadata = item.expiresAt ? { ttlExpireTime: new Date(item.expiresAt).toISOString() } : undefined;
    return { data: item.data, etag: item.etag, metadata };
  }

  async set(req: SetRequest): Promise<void> {
    this.checkSet(req);
    this.apply({ operation: 'upsert', request: req });
  }

  async delete(req: DeleteRequest): Promise<void> {
    this.checkDelete(req);
    this.items.delete(req.key);
  }

  async multi(operations: readonly TransactionOperation[]): Promise<void> {
    // Validate every ETag first, then apply: all or nothing.
    for (const op of operations) {
      if (op.operation === 'upsert') this.checkSet(op.request);
      else this.checkDelete(op.request);
    }
    for (const op of operations) this.apply(op);
  }

  private live(key: string): Item | undefined {
    const item = this.items.get(key);
    if (item?.expiresAt !== undefined && item.expiresAt <= Date.now()) {
      this.items.delete(key);
      return undefined;
    }
    return item;
  }

  private checkSet(req: SetRequest): void {
    parseTtl(req.metadata);
    const current = this.live(req.key);
    if (req.etag) {
      if (!current || current.etag !== req.etag) throw new ETagMismatchError();
    } else if (req.options?.concurrency === 'first-write' && current) {
      throw new ETagMismatchError();
    }
  }

  private checkDelete(req: DeleteRequest): void {
    if (!req.etag) return;
    const current = this.live(req.key);
    if (!current || current.etag !== req.etag) throw new ETagMismatchError();
  }

  private apply(op: TransactionOperation): void {
    if (op.operation === 'delete') {
      this.items.delete(op.request.key);
      return;
    }
    const expiresAt = expiresAtMs(parseTtl(op.request.metadata), Date.now());
    this.items.set(op.request.key, { data: op.request.value, etag: randomUUID(), expiresAt });
  }
}

export function createInMemoryStateStore(_ctx: FactoryContext): InMemoryStateStore {
  return new InMemoryStateStore();
}
