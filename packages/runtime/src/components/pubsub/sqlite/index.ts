/**
 * @module components/pubsub/sqlite
 * pubsub.sqlite: an embedded, durable broker in one SQLite file that several sidecar processes on
 * one machine share, with no server. Semantics follow Dapr's pubsub.redis (streams + consumer
 * groups): every consumer group (consumerID, default the app id) gets every message; members of a
 * group compete, each message going to one of them; delivery is at-least-once — an unacknowledged
 * message is redelivered after processingTimeout, a `retry` after redeliverInterval. A new group
 * starts from the oldest retained message, and a group's position survives restarts, so a
 * subscriber that was down receives what was published meanwhile. Publish metadata `ttlInSeconds`
 * is honoured (MESSAGE_TTL); maxLen / retentionPeriod trim what every group has acknowledged.
 *
 * Latency: a publish wakes subscribers in the same process at once; other processes notice through
 * a watch on the database folder (the `-wal` file changes) or, failing that, the poll.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import { PUBSUB_FEATURES, type MessageHandler, type PubSub, type PublishRequest, type SubscribeRequest } from '../contract';
import { COMPONENT, parseSqlitePubSubMetadata, type SqlitePubSubConfig } from './metadata';
import { BrokerStore } from './store';
import { Subscription } from './subscription';

export { parseSqlitePubSubMetadata, SQLITE_PUBSUB_METADATA } from './metadata';

/** Longest close() waits for running handlers (also bounded by processingTimeout). */
const CLOSE_GRACE_MS = 5000;
const FEATURES = [PUBSUB_FEATURES.MESSAGE_TTL] as const;
/** How often expired messages (and, with maxLen or retentionPeriod, acknowledged ones) are deleted. */
const TRIM_INTERVAL_MS = 10_000;

/** Second look after a file-change notification (see watchFile). */
const WATCH_RECHECK_MS = 10;

/** Subscriptions in this process by database file, so a publish can wake them without polling. */
const localSubscriptions = new Map<string, Set<Subscription>>();

export class SqlitePubSub implements PubSub {
  private store?: BrokerStore;
  private cfg?: SqlitePubSubConfig;
  private readonly subs = new Set<Subscription>();
  private watcher?: FSWatcher;
  private trimTimer?: NodeJS.Timeout;
  private recheck?: NodeJS.Timeout;

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, ctx: InitContext): Promise<void> {
    const cfg = parseSqlitePubSubMetadata(metadata, ctx.cwd, ctx.appId);
    this.store = await BrokerStore.open(cfg.file, cfg.busyTimeoutMs, this.logger);
    this.cfg = cfg;
    this.trimTimer = setInterval(() => this.trimSafely(), TRIM_INTERVAL_MS);
    this.trimTimer.unref();
    this.logger.debug(`${COMPONENT} using ${cfg.file} (consumer group ${cfg.consumerID})`);
  }

  async close(): Promise<void> {
    const cfg = this.cfg;
    const store = this.store;
    if (!cfg || !store) return;
    this.cfg = undefined;
    this.store = undefined;
    if (this.trimTimer) clearInterval(this.trimTimer);
    this.trimTimer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
    if (this.recheck) clearTimeout(this.recheck);
    this.recheck = undefined;
    const subs = [...this.subs];
    this.subs.clear();
    for (const sub of subs) this.unregister(cfg.file, sub);
    await Promise.all(subs.map((s) => s.stop(Math.min(CLOSE_GRACE_MS, cfg.processingTimeoutMs))));
    store.close();
  }

  features(): readonly string[] {
    return FEATURES;
  }

  /** Publish metadata `ttlInSeconds` (MESSAGE_TTL): undelivered by then, the message is dropped. */
  async publish(req: PublishRequest): Promise<void> {
    const { store, cfg } = this.ready();
    const ttl = ttlSeconds(req.metadata);
    store.publish(req.topic, req.data, req.contentType, req.metadata, ttl === undefined ? undefined : Date.now() + ttl * 1000);
    for (const sub of localSubscriptions.get(cfg.file) ?? []) if (sub.topic === req.topic) sub.wake();
  }

  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<() => Promise<void>> {
    const { store, cfg } = this.ready();
    store.join(cfg.consumerID, req.topic);
    const sub = new Subscription(
      store,
      {
        group: cfg.consumerID,
        topic: req.topic,
        concurrency: cfg.concurrency,
        processingTimeoutMs: cfg.processingTimeoutMs,
        redeliverIntervalMs: cfg.redeliverIntervalMs,
        pollIntervalMs: cfg.pollIntervalMs,
      },
      handler,
      this.logger,
    );
    this.subs.add(sub);
    let set = localSubscriptions.get(cfg.file);
    if (!set) localSubscriptions.set(cfg.file, (set = new Set()));
    set.add(sub);
    this.watchFile(cfg.file);
    sub.wake();
    return async () => {
      if (!this.subs.delete(sub)) return;
      this.unregister(cfg.file, sub);
      await sub.stop(Math.min(CLOSE_GRACE_MS, cfg.processingTimeoutMs));
    };
  }

  /** Deletes expired messages and, per maxLen / retentionPeriod, acknowledged ones (also on a timer). */
  trim(now = Date.now()): number {
    const { store, cfg } = this.ready();
    const cutoff = cfg.retentionPeriodMs === undefined ? undefined : now - cfg.retentionPeriodMs;
    return store.trim(now, cutoff, cfg.maxLen);
  }

  private trimSafely(): void {
    try {
      const n = this.trim();
      if (n > 0) this.logger.debug(`${COMPONENT} trimmed ${n} acknowledged messages`);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, `${COMPONENT} trim failed`);
    }
  }

  private wakeAll(): void {
    for (const sub of this.subs) sub.wake();
  }

  private unregister(file: string, sub: Subscription): void {
    const set = localSubscriptions.get(file);
    set?.delete(sub);
    if (set?.size === 0) localSubscriptions.delete(file);
  }

  /**
   * Other processes' commits append to `<file>-wal`: watching the folder (which survives the WAL
   * being deleted and re-created) wakes subscribers early. Only a hint — the poll still runs.
   */
  private watchFile(file: string): void {
    if (this.watcher) return;
    const wal = `${basename(file)}-wal`;
    try {
      this.watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
        if (name !== null && name !== wal) return;
        this.wakeAll();
        // The event can arrive between the writer's last WAL write and its commit becoming visible
        // (the wal-index update): look once more shortly after a burst of events.
        if (this.recheck) return;
        this.recheck = setTimeout(() => {
          this.recheck = undefined;
          this.wakeAll();
        }, WATCH_RECHECK_MS);
      });
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, `${COMPONENT} cannot watch the database folder; polling only`);
    }
  }

  private ready(): { store: BrokerStore; cfg: SqlitePubSubConfig } {
    if (!this.store || !this.cfg) throw new Error(`${COMPONENT} used before init() or after close() (programming error)`);
    return { store: this.store, cfg: this.cfg };
  }
}

/** Dapr's rule (components-contrib metadata.TryGetTTL): a positive whole number of seconds. */
function ttlSeconds(metadata: Record<string, string> | undefined): number | undefined {
  const raw = metadata?.ttlInSeconds;
  if (raw === undefined || raw === '') return undefined;
  const n = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (Number.isNaN(n)) throw new Error(`ttlInSeconds value must be a valid integer: actual is '${raw}'`);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`ttlInSeconds value must be higher than zero: actual is ${raw}`);
  return n;
}

export function createSqlitePubSub(ctx: FactoryContext): SqlitePubSub {
  return new SqlitePubSub(ctx.logger);
}
