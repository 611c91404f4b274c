/**
 * The state contract suite against two small reference stores written here: one claiming ETAG,
 * TRANSACTIONAL and TTL with numeric ETags (so the malformed-ETag cases run), and a bare one that
 * claims nothing (so the unclaimed cases are skipped and the absence checks run).
 */
import { runStateContract } from './state';
import type { ContractDeleteRequest, ContractSetRequest, ContractTransactionOperation } from './types';

class ReferenceStore {
  private readonly items = new Map<string, { data: Buffer; version: number; expiresAt?: number }>();
  private version = 0;

  constructor(private readonly claims: readonly string[]) {}

  async init(): Promise<void> {}
  async close(): Promise<void> {}
  features(): readonly string[] {
    return this.claims;
  }

  async get(req: { key: string }) {
    const item = this.live(req.key);
    if (!item) return undefined;
    const metadata = item.expiresAt ? { ttlExpireTime: new Date(item.expiresAt).toISOString().replace(/\.\d+Z$/, 'Z') } : undefined;
    return { data: item.data, etag: String(item.version), metadata };
  }

  async set(req: ContractSetRequest): Promise<void> {
    this.check(req, true);
    this.apply({ operation: 'upsert', request: req });
  }

  async delete(req: ContractDeleteRequest): Promise<void> {
    this.check(req, false);
    this.items.delete(req.key);
  }

  private live(key: string) {
    const item = this.items.get(key);
    if (item?.expiresAt !== undefined && item.expiresAt <= Date.now()) this.items.delete(key);
    return this.items.get(key);
  }

  protected check(req: ContractSetRequest | ContractDeleteRequest, isSet: boolean): void {
    const ttl = req.metadata?.ttlInSeconds;
    if (isSet && ttl !== undefined && !/^-?\d+$/.test(ttl)) throw new Error(`incorrect value for metadata 'ttlInSeconds': ${ttl}`);
    if (!this.claims.includes('ETAG')) return;
    const current = this.live(req.key);
    if (req.etag) {
      if (!/^\d+$/.test(req.etag)) throw named('ETagInvalidError');
      if (!current || String(current.version) !== req.etag) throw named('ETagMismatchError');
    } else if (isSet && req.options?.concurrency === 'first-write' && current) {
      throw named('ETagMismatchError');
    }
  }

  protected apply(op: ContractTransactionOperation): void {
    if (op.operation === 'delete') {
      this.items.delete(op.request.key);
      return;
    }
    const ttl = Number(op.request.metadata?.ttlInSeconds ?? 0);
    this.items.set(op.request.key, { data: op.request.value, version: ++this.version, expiresAt: ttl > 0 ? Date.now() + ttl * 1000 : undefined });
  }
}

class TransactionalReferenceStore extends ReferenceStore {
  async multi(ops: readonly ContractTransactionOperation[]): Promise<void> {
    for (const op of ops) this.check(op.request, op.operation === 'upsert');
    for (const op of ops) this.apply(op);
  }
}

function named(name: string): Error {
  const err = new Error(name);
  err.name = name;
  return err;
}

runStateContract({
  name: 'reference (ETAG, TRANSACTIONAL, TTL)',
  factory: () => new TransactionalReferenceStore(['ETAG', 'TRANSACTIONAL', 'TTL']),
  badEtag: 'not-a-number',
  expectedFeatures: ['TTL', 'ETAG', 'TRANSACTIONAL'],
});

runStateContract({
  name: 'reference (no optional features)',
  factory: () => new ReferenceStore([]),
  expectedFeatures: [],
});
