/**
 * @module components/pubsub/redis/subscription
 * One topic subscription of pubsub.redis (Dapr's pollNewMessagesLoop + reclaimPendingMessagesLoop):
 * - a blocking XREADGROUP loop on its own connection reads new entries (at most queueDepth held at
 *   once) and hands them to the component's worker pool;
 * - a handler answering success or drop gets its entry XACKed (acks are batched per tick);
 * - a `retry` (or a handler that throws) keeps the entry pending: it is redelivered in-process after a
 *   short growing backoff (100 ms, 200 ms, … at most MAX_LOCAL_RETRIES times, re-claiming it first so a
 *   consumer that took it over meanwhile keeps it), then left to the pending scan;
 * - every redeliverInterval the pending list is scanned and entries idle longer than processingTimeout
 *   (e.g. those of a consumer that died) are XCLAIMed and delivered.
 * With processingTimeout or redeliverInterval 0 there is no redelivery at all (as in Dapr).
 */
import type Redis from 'ioredis';
import type { Logger } from '../../types';
import type { HandlerResult, Message, MessageHandler } from '../contract';
import { decodeEntry, nextStreamId, readReplyEntries, type StreamEntry } from './entries';
import { ensureGroup, forgetConsumer } from './group';
import type { WorkerPool } from './pool';

export interface StreamSubscriptionOptions {
  topic: string;
  group: string;
  consumer: string;
  queueDepth: number;
  blockMs: number;
  processingTimeoutMs: number;
  redeliverIntervalMs: number;
}

/** In-process redeliveries of one entry before it is left to the pending scan. */
export const MAX_LOCAL_RETRIES = 5;
const RETRY_BASE_MS = 100;
/** Local retry counters kept (oldest forgotten first). */
const MAX_TRACKED = 10_000;
/** Pages of the pending list looked at per scan (each up to queueDepth entries). */
const MAX_SCAN_PAGES = 50;
const ACK_RETRY_MS = 500;
const MAX_ERROR_BACKOFF_MS = 1000;

export class StreamSubscription {
  /** Entries in hand: queued for a slot, being handled, or waiting for a local retry. */
  private readonly held = new Set<string>();
  private readonly running = new Set<Promise<HandlerResult>>();
  private readonly retries = new Map<string, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private acks: string[] = [];
  private ackQueued = false;
  private ackTimer?: NodeJS.Timeout;
  private reclaimTimer?: NodeJS.Timeout;
  private reclaiming?: Promise<void>;
  private wakeReader?: () => void;
  private loop?: Promise<void>;
  private stopped = false;
  /** Set once the component may close its client: late results are left to the pending scan. */
  private detached = false;
  private readWarned = false;
  private scanWarned = false;

  constructor(
    private readonly client: Redis,
    private readonly reader: Redis,
    private readonly pool: WorkerPool,
    private readonly opts: StreamSubscriptionOptions,
    private readonly handler: MessageHandler,
    private readonly logger: Logger,
  ) {
    reader.on('ready', () => this.wake());
  }

  get topic(): string {
    return this.opts.topic;
  }

  private get redelivery(): boolean {
    return this.opts.processingTimeoutMs > 0 && this.opts.redeliverIntervalMs > 0;
  }

  start(): void {
    this.loop = this.readLoop();
    if (this.redelivery) this.scheduleScan(0);
  }

  /**
   * Stops reading and scanning, waits up to `graceMs` for running handlers and records their results.
   * Entries not handled by then stay pending and are redelivered after processingTimeout.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.reclaimTimer) clearTimeout(this.reclaimTimer);
    if (this.ackTimer) clearTimeout(this.ackTimer);
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.wake();
    this.reader.disconnect(); // ends a blocked XREADGROUP at once
    await this.loop;
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.running]), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    await this.reclaiming;
    await this.flushAcks();
    this.detached = true;
    if (this.client.status === 'ready') await forgetConsumer(this.client, this.opts.topic, this.opts.group, this.opts.consumer);
  }

  private wake(): void {
    this.wakeReader?.();
  }

  /** Resolves after `ms`, or earlier on wake(). */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeReader === done) this.wakeReader = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeReader = done;
    });
  }

  private async readLoop(): Promise<void> {
    const { topic, group, consumer, blockMs, queueDepth } = this.opts;
    let failures = 0;
    while (!this.stopped) {
      // Read again once half the held entries are done, so reads stay batched under load.
      const room = queueDepth - this.held.size;
      if (room <= 0 || this.held.size > queueDepth / 2) {
        await this.pause(blockMs);
        continue;
      }
      if (this.reader.status !== 'ready') {
        await this.pause(blockMs);
        continue;
      }
      let reply: unknown;
      try {
        reply = await this.reader.callBuffer('XREADGROUP', 'GROUP', group, consumer, 'COUNT', room, 'BLOCK', blockMs, 'STREAMS', topic, '>');
        failures = 0;
      } catch (err) {
        if (this.stopped) break;
        failures++;
        await this.readFailed(err as Error);
        await this.pause(Math.min(MAX_ERROR_BACKOFF_MS, 25 * 2 ** failures));
        continue;
      }
      // Read after stop: left pending for our consumer, so redelivered after processingTimeout.
      if (this.stopped) break;
      for (const raw of readReplyEntries(reply)) {
        const entry = this.decode(raw);
        if (entry) this.dispatch(entry);
      }
    }
  }

  private async readFailed(err: Error): Promise<void> {
    const { topic, group } = this.opts;
    if (/NOGROUP/.test(err.message)) {
      // The stream or group is gone: Redis restarted without persistence, or someone deleted them.
      this.logger.warn({ topic, group }, `redis streams: consumer group ${group} of stream ${topic} is missing (Redis lost its data?); recreating it`);
      try {
        await ensureGroup(this.client, topic, group);
      } catch (e) {
        this.logger.debug({ topic, err: (e as Error).message }, 'redis streams: recreating the consumer group failed; will retry');
      }
      return;
    }
    if (this.reader.status !== 'ready' || this.readWarned) {
      this.logger.debug({ topic, err: err.message }, `redis streams: reading stream ${topic} failed; retrying`);
      return;
    }
    this.readWarned = true;
    this.logger.warn({ topic, err: err.message }, `redis streams: error reading from stream ${topic}; retrying`);
  }

  private decode(raw: unknown): StreamEntry | undefined {
    const entry = decodeEntry(this.opts.topic, raw, (id) =>
      this.logger.warn({ topic: this.opts.topic }, `redis streams: could not decode the metadata of message ${id}; delivering without it`),
    );
    return entry && 'message' in entry ? entry : undefined;
  }

  private dispatch(entry: StreamEntry): void {
    this.held.add(entry.id);
    this.pool.submit(() => this.process(entry));
  }

  private async process(entry: StreamEntry): Promise<void> {
    if (this.stopped) return this.release(entry.id);
    const run = this.invoke(entry.message);
    this.running.add(run);
    let result: HandlerResult;
    try {
      result = await run;
    } finally {
      this.running.delete(run);
    }
    if (this.detached) return;
    if (result === 'success' || result === 'drop') {
      this.retries.delete(entry.id);
      this.ack(entry.id);
      this.release(entry.id);
      return;
    }
    this.retryLater(entry);
  }

  private async invoke(msg: Message): Promise<HandlerResult> {
    try {
      return await this.handler(msg);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, topic: msg.topic }, 'subscriber handler failed; message will be redelivered');
      return 'retry';
    }
  }

  private release(id: string): void {
    this.held.delete(id);
    if (this.held.size <= this.opts.queueDepth / 2) this.wake();
  }

  private retryLater(entry: StreamEntry): void {
    const n = this.retries.get(entry.id) ?? 0;
    if (this.stopped || !this.redelivery || n >= MAX_LOCAL_RETRIES) {
      this.release(entry.id); // stays pending: the scan redelivers it once idle for processingTimeout
      return;
    }
    this.retries.delete(entry.id);
    this.retries.set(entry.id, n + 1);
    if (this.retries.size > MAX_TRACKED) this.retries.delete(this.retries.keys().next().value as string);
    const delay = Math.min(RETRY_BASE_MS * 2 ** n, this.opts.processingTimeoutMs);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      void this.redeliver(entry, delay);
    }, delay);
    this.retryTimers.add(timer);
  }

  /** Re-claims the entry (only if idle ~`waitedMs`, i.e. nobody took it over) and delivers it again. */
  private async redeliver(entry: StreamEntry, waitedMs: number): Promise<void> {
    const { topic, group, consumer } = this.opts;
    try {
      const claimed = (await this.client.call('XCLAIM', topic, group, consumer, Math.floor(waitedMs / 2), entry.id, 'JUSTID')) as unknown[];
      if (this.stopped || claimed.length === 0) return this.release(entry.id); // acked, trimmed or taken over
    } catch (err) {
      this.logger.debug({ topic, err: (err as Error).message }, 'redis streams: could not re-claim a message for redelivery; leaving it pending');
      return this.release(entry.id);
    }
    this.pool.submit(() => this.process(entry));
  }

  private ack(id: string): void {
    this.acks.push(id);
    if (this.ackQueued) return;
    this.ackQueued = true;
    setImmediate(() => void this.flushAcks());
  }

  private async flushAcks(): Promise<void> {
    this.ackQueued = false;
    if (this.acks.length === 0 || this.detached) return;
    const ids = this.acks;
    this.acks = [];
    const { topic, group } = this.opts;
    try {
      await this.client.call('XACK', topic, group, ...ids);
    } catch (err) {
      // Keep them for another try; if that never succeeds they are redelivered (at-least-once).
      this.logger.debug({ topic, err: (err as Error).message }, `redis streams: acknowledging ${ids.length} messages failed; retrying`);
      this.acks = ids.concat(this.acks).slice(-MAX_TRACKED);
      if (!this.stopped && !this.ackTimer) {
        this.ackTimer = setTimeout(() => {
          this.ackTimer = undefined;
          void this.flushAcks();
        }, ACK_RETRY_MS);
      }
    }
  }

  private scheduleScan(delayMs: number): void {
    if (this.stopped) return;
    this.reclaimTimer = setTimeout(() => {
      this.reclaiming = this.scanPending().finally(() => {
        this.reclaiming = undefined;
        this.scheduleScan(this.opts.redeliverIntervalMs);
      });
    }, delayMs);
  }

  /** Claims entries pending longer than processingTimeout (any consumer's, except those in hand). */
  private async scanPending(): Promise<void> {
    const { topic, group, processingTimeoutMs, queueDepth } = this.opts;
    let start = '-';
    try {
      for (let page = 0; page < MAX_SCAN_PAGES && !this.stopped; page++) {
        const room = queueDepth - this.held.size;
        if (room <= 0) return;
        const pending = (await this.client.call('XPENDING', topic, group, start, '+', queueDepth)) as Array<[string, string, number, number]>;
        if (pending.length === 0) return;
        const ids = pending.filter(([id, , idle]) => idle >= processingTimeoutMs && !this.held.has(id)).map(([id]) => id);
        if (ids.length > 0) await this.claim(ids.slice(0, room));
        if (pending.length < queueDepth) return;
        start = nextStreamId((pending[pending.length - 1] as [string, string, number, number])[0]);
      }
      this.scanWarned = false;
    } catch (err) {
      if (this.stopped) return;
      const message = (err as Error).message;
      if (/NOGROUP/.test(message)) return; // the read loop recreates the group
      if (this.scanWarned || this.client.status !== 'ready') {
        this.logger.debug({ topic, err: message }, 'redis streams: scanning pending messages failed');
        return;
      }
      this.scanWarned = true;
      this.logger.warn({ topic, err: message }, `redis streams: error scanning pending messages of stream ${topic}; will retry`);
    }
  }

  private async claim(ids: string[]): Promise<void> {
    const { topic, group, consumer, processingTimeoutMs } = this.opts;
    const claimed = (await this.client.callBuffer('XCLAIM', topic, group, consumer, processingTimeoutMs, ...ids)) as unknown[];
    const deleted: string[] = [];
    const entries: StreamEntry[] = [];
    for (const raw of claimed) {
      if (raw === null) continue;
      const entry = decodeEntry(topic, raw);
      if (entry && 'deleted' in entry) deleted.push(entry.id);
      else if (entry) entries.push(entry as StreamEntry);
    }
    // Redis < 7 keeps pending entries whose message was trimmed: acknowledge them away (as Dapr does).
    if (deleted.length > 0) await this.client.call('XACK', topic, group, ...deleted);
    if (entries.length > 0) this.logger.debug({ topic }, `redis streams: redelivering ${entries.length} pending messages of stream ${topic}`);
    for (const entry of entries) {
      // Claimed after stop: ours now, redelivered after processingTimeout by whoever scans next.
      if (this.stopped) return;
      this.dispatch(entry);
    }
  }
}
