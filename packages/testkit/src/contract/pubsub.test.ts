/**
 * The pub/sub contract suite against two small reference brokers written here: one claiming
 * BULK_PUBSUB and MESSAGE_TTL (it keeps messages of topics nobody reads yet, so expiry is
 * observable) and promising order, and a bare one that claims nothing and promises no order.
 */
import { runPubSubContract } from './pubsub';
import type { ContractBulkEntry, ContractHandlerResult, ContractMessage, ContractPublishRequest } from './types';

type Handler = (msg: ContractMessage) => Promise<ContractHandlerResult>;

class ReferenceBroker {
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly backlog = new Map<string, Array<{ msg: ContractMessage; expiresAt?: number }>>();
  private closed = false;

  constructor(private readonly claims: readonly string[]) {}

  async init(): Promise<void> {}
  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
  features(): readonly string[] {
    return this.claims;
  }

  async publish(req: ContractPublishRequest): Promise<void> {
    if (this.closed) throw new Error('reference broker: closed');
    const ttl = req.metadata?.ttlInSeconds;
    if (ttl !== undefined && !/^[1-9]\d*$/.test(ttl)) throw new Error(`invalid ttlInSeconds ${ttl}`);
    const msg = { topic: req.topic, data: req.data, metadata: req.metadata };
    const set = this.handlers.get(req.topic);
    if (set && set.size > 0) for (const h of set) this.deliver(h, msg, 1);
    else if (this.claims.includes('MESSAGE_TTL')) {
      const list = this.backlog.get(req.topic) ?? [];
      list.push({ msg, expiresAt: ttl ? Date.now() + Number(ttl) * 1000 : undefined });
      this.backlog.set(req.topic, list);
    }
  }

  async subscribe(req: { topic: string }, handler: Handler): Promise<() => Promise<void>> {
    const set = this.handlers.get(req.topic) ?? new Set<Handler>();
    this.handlers.set(req.topic, set);
    set.add(handler);
    for (const { msg, expiresAt } of this.backlog.get(req.topic) ?? []) if (!expiresAt || expiresAt > Date.now()) this.deliver(handler, msg, 1);
    this.backlog.delete(req.topic);
    return async () => {
      set.delete(handler);
    };
  }

  private deliver(handler: Handler, msg: ContractMessage, attempt: number): void {
    queueMicrotask(() => {
      if (this.closed) return;
      void handler(msg)
        .catch(() => 'retry' as const)
        .then((verdict) => {
          if (verdict === 'retry' && attempt < 5) setTimeout(() => this.deliver(handler, msg, attempt + 1), 20);
        });
    });
  }
}

class BulkReferenceBroker extends ReferenceBroker {
  async bulkPublish(req: { topic: string; entries: readonly ContractBulkEntry[] }) {
    for (const e of req.entries) await this.publish({ topic: req.topic, data: e.data, metadata: e.metadata });
    return { failedEntries: [] };
  }
}

runPubSubContract({
  name: 'reference (BULK_PUBSUB, MESSAGE_TTL)',
  factory: () => new BulkReferenceBroker(['BULK_PUBSUB', 'MESSAGE_TTL']),
  ordered: true,
  quietMs: 100,
  expectedFeatures: ['MESSAGE_TTL', 'BULK_PUBSUB'],
});

runPubSubContract({
  name: 'reference (no optional features)',
  factory: () => new ReferenceBroker([]),
  quietMs: 100,
  expectedFeatures: [],
});
