/**
 * @module components/pubsub/sqlite/subscription
 * One subscription of pubsub.sqlite: claims messages for its consumer group, runs the handler with
 * bounded concurrency and settles each result (success / drop → ack, retry or throw → release
 * for redelivery). It polls with one cheap read per poll interval and can be woken early.
 * A subscription never reclaims its own lapsed claims: while its handler still runs the message is
 * in hand; other members (or this app after a restart, with a new owner id) take it over.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../types';
import type { HandlerResult, MessageHandler } from '../contract';
import type { BrokerStore, StoredMessage } from './store';

export interface SubscriptionOptions {
  group: string;
  topic: string;
  concurrency: number;
  processingTimeoutMs: number;
  redeliverIntervalMs: number;
  pollIntervalMs: number;
}

export class Subscription {
  private readonly owner = randomUUID();
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Settlements that failed (e.g. database busy), retried on the next pump. */
  private readonly unsettled: Array<() => void> = [];
  private timer?: NodeJS.Timeout;
  private wakeQueued = false;
  private stopped = false;
  /** Set once the store may be closed: late handler results are then left to the claim timeout. */
  private detached = false;

  constructor(
    private readonly store: BrokerStore,
    private readonly opts: SubscriptionOptions,
    private readonly handler: MessageHandler,
    private readonly logger: Logger,
  ) {}

  get topic(): string {
    return this.opts.topic;
  }

  /** Ask for a check soon; many calls in one tick collapse into one. */
  wake(): void {
    if (this.stopped || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      this.pump();
    });
  }

  /**
   * Stops claiming, then waits up to `graceMs` for running handlers so their results are recorded.
   * Messages whose handlers are still running stay claimed and are redelivered after processingTimeout.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight.size > 0) {
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight.values()]),
        new Promise<void>((r) => (timeout = setTimeout(r, graceMs))),
      ]);
      clearTimeout(timeout);
    }
    try {
      this.flushUnsettled();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, topic: this.opts.topic }, 'pubsub.sqlite lost delivery results on stop');
    }
    this.detached = true;
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let nextDue: number | undefined;
    try {
      this.flushUnsettled();
      const { group, topic } = this.opts;
      while (this.inFlight.size < this.opts.concurrency) {
        const now = Date.now();
        const probe = this.store.probe(group, topic, this.owner, now);
        nextDue = probe.nextDue;
        if (!probe.ready) break;
        const max = this.opts.concurrency - this.inFlight.size;
        const batch = this.store.claim({ group, topic, owner: this.owner, max, now, expiresAt: now + this.opts.processingTimeoutMs });
        for (const msg of batch) this.dispatch(msg);
        if (batch.length < max) break;
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, topic: this.opts.topic }, 'pubsub.sqlite poll failed; will retry');
    }
    this.schedule(nextDue);
  }

  private schedule(nextDue: number | undefined): void {
    if (this.stopped) return;
    let delay = this.opts.pollIntervalMs;
    // A retried message due before the next poll gets its own wake-up (+1 ms: due_at <= now must hold).
    if (nextDue !== undefined) delay = Math.min(delay, Math.max(0, nextDue - Date.now()) + 1);
    // Not unref'd: a live subscription is work that keeps the process up until unsubscribe / close().
    this.timer = setTimeout(() => this.pump(), delay);
  }

  private dispatch(msg: StoredMessage): void {
    const run = async (): Promise<void> => {
      let result: HandlerResult;
      try {
        result = await this.handler({ topic: msg.topic, data: msg.data, metadata: msg.metadata });
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, topic: msg.topic }, 'subscriber handler failed; message will be redelivered');
        result = 'retry';
      }
      if (this.detached) return;
      this.settle(msg.id, result);
    };
    const p = run().finally(() => {
      this.inFlight.delete(msg.id);
      this.wake();
    });
    this.inFlight.set(msg.id, p);
  }

  private settle(id: number, result: HandlerResult): void {
    const { group, topic } = this.opts;
    const apply =
      result === 'success' || result === 'drop'
        ? () => this.store.ack(group, topic, id)
        : () => this.store.release(group, topic, id, this.owner, Date.now() + this.opts.redeliverIntervalMs);
    try {
      apply();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, topic }, 'pubsub.sqlite could not record a delivery result; retrying');
      this.unsettled.push(apply);
    }
  }

  private flushUnsettled(): void {
    while (this.unsettled.length > 0) {
      (this.unsettled[0] as () => void)();
      this.unsettled.shift();
    }
  }
}
