/**
 * @module pubsub/delivery
 * Delivers broker messages to the app (dapr `postman/http`): route by the subscription's rules,
 * `POST /<path>` with `Content-Type: application/cloudevents+json` and the envelope bytes, map the
 * answer to success / retry / drop, and copy to the dead-letter topic on drop or after
 * MAX_DELIVERY_ATTEMPTS retries; with an inbound resiliency policy on the pub/sub, the policy
 * retries instead (pubsub/inbound.ts). Shutdown unsubscribes first, then waits for in-flight posts;
 * a shutdown never dead-letters.
 */
import type { HandlerResult, Message, PubSub } from '../components/pubsub/contract';
import type { ComponentStore } from '../components/store';
import { HttpAppCallbacks } from '../app-channel/http';
import type { AppCallbacks } from '../app-channel/types';
import type { AppChannel } from '../invoke/app-channel';
import type { Logger } from '../logger';
import { startDeliverySpan } from '../tracing/callback-span';
import type { Tracing } from '../tracing/tracer';
import { BulkDelivery } from './bulk';
import { deliverUnderPolicy, inboundRunner, type Attempted, type ResiliencyGetter } from './inbound';
import { deliveryHeaders, Settler, type Routed, type Verdict } from './settle';
import { mergeSubscriptions, toInfo, type Subscription } from './subscriptions';

// The shared pieces live in settle.ts (bulk.ts uses them too); re-exported for existing importers.
export { attemptKey, CLOUDEVENT_CONTENT_TYPE, deliveryHeaders, isRawPayload, MAX_DELIVERY_ATTEMPTS, prepareEvent, Settler, verdictFor, type Routed, type Verdict } from './settle';

export interface DeliveryDeps {
  /** The app, whatever its protocol; without it, `channel` is used as an HTTP app. */
  app?: AppCallbacks;
  channel?: AppChannel;
  logger: Logger;
  /** The sidecar's tracer once configured (none: sampling 0, the event's trace context goes on as is). */
  tracing?(): Tracing | undefined;
  /** The loaded resiliency policies: a pub/sub's inbound policy retries deliveries to the app. */
  resiliency?: ResiliencyGetter;
}

interface Active {
  sub: Subscription;
  unsubscribe: () => Promise<void>;
}

/**
 * Runs every subscription of one sidecar: start() subscribes, stop() unsubscribes and drains.
 * pause() (the app turned unhealthy) unsubscribes without forgetting the subscriptions, so the
 * broker keeps the messages; resume() subscribes them again. Start, pause and resume run in order.
 */
export class Deliveries {
  private readonly active: Active[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Sends the buffered batches of bulk subscriptions (on stop and pause). */
  private readonly flushes: Array<() => void> = [];
  private stopping = false;
  /** Aborted by stop(): policy retries in progress give up (the message goes back to the broker). */
  private readonly stopped = new AbortController();
  private paused = false;
  private wanted: { subs: readonly Subscription[]; store: ComponentStore } | undefined;
  private order: Promise<void> = Promise.resolve();

  private readonly app: AppCallbacks;

  constructor(private readonly deps: DeliveryDeps) {
    this.app = appOf(deps.app, deps.channel, deps.logger);
  }

  /** Subscribes each subscription on its component; unknown pub/sub names are skipped with a warning. */
  start(subs: readonly Subscription[], store: ComponentStore): Promise<void> {
    return this.inOrder(async () => {
      this.wanted = { subs, store };
      if (!this.paused) await this.subscribeAll(subs, store);
    });
  }

  /** Stops taking messages until resume(): the broker keeps them (retries meanwhile are not counted). */
  pause(): Promise<void> {
    return this.inOrder(async () => {
      if (this.paused || this.stopping) return;
      this.paused = true;
      const subs = this.active.splice(0);
      await Promise.allSettled(subs.map((a) => a.unsubscribe()));
      for (const flush of this.flushes.splice(0)) flush();
      if (subs.length > 0) this.deps.logger.info(`stopped delivering pub/sub messages to the app: unsubscribed from ${subs.length} topic subscription(s)`);
    });
  }

  /** Subscribes the paused subscriptions again. */
  resume(): Promise<void> {
    return this.inOrder(async () => {
      if (!this.paused || this.stopping) return;
      this.paused = false;
      if (this.wanted) await this.subscribeAll(this.wanted.subs, this.wanted.store);
    });
  }

  private inOrder(op: () => Promise<void>): Promise<void> {
    const next = this.order.then(op);
    this.order = next.catch(() => {});
    return next;
  }

  private async subscribeAll(subs: readonly Subscription[], store: ComponentStore): Promise<void> {
    for (const sub of subs) {
      if (this.stopping) return;
      const found = store.lookup<PubSub>('pubsub', sub.pubsubname);
      if (!found.ok) {
        this.deps.logger.warn(`${sub.source}: pub/sub "${sub.pubsubname}" is not configured; not subscribing to topic "${sub.topic}"`);
        continue;
      }
      const pubsub = found.component.instance;
      const handler = this.handlerFor(sub, pubsub);
      try {
        const unsubscribe = await pubsub.subscribe({ topic: sub.topic, metadata: sub.metadata }, handler);
        if (this.stopping) {
          await unsubscribe();
          return;
        }
        this.active.push({ sub, unsubscribe });
        this.deps.logger.info(`subscribed to topic "${sub.topic}" on pub/sub "${sub.pubsubname}" (${sub.type.toLowerCase()})`);
      } catch (err) {
        this.deps.logger.error({ err }, `${sub.source}: subscribing to topic "${sub.topic}" on pub/sub "${sub.pubsubname}" failed`);
      }
    }
  }

  /** Stops taking messages, then lets in-flight deliveries finish (at most graceMs). */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    const subs = this.active.splice(0);
    await Promise.allSettled(subs.map((a) => a.unsubscribe()));
    for (const flush of this.flushes.splice(0)) flush();
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }

  handlerFor(sub: Subscription, pubsub: PubSub): (msg: Message) => Promise<HandlerResult> {
    const deps = { ...this.deps, app: this.app, isStopping: () => this.stopping || this.paused, stopped: this.stopped.signal };
    const bulk = sub.bulkSubscribe?.enabled ? new BulkDelivery(sub, pubsub, deps) : undefined;
    if (bulk) this.flushes.push(() => bulk.flush());
    const settler = bulk ? undefined : new Settler(sub, pubsub, deps.logger, deps.isStopping);
    return (msg) => {
      if (this.stopping || this.paused) return Promise.resolve('retry');
      const p = bulk ? bulk.add(msg) : this.deliver(sub, settler as Settler, msg);
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
      return p;
    };
  }

  private async deliver(sub: Subscription, settler: Settler, msg: Message): Promise<HandlerResult> {
    const routed = await settler.route(msg);
    if (typeof routed === 'string') return routed;
    const runner = inboundRunner(this.deps.resiliency, sub.pubsubname, 'pubsub');
    if (runner.noop) return settler.settle(msg, routed.event, (await this.attempt(sub, msg, routed)).verdict);
    const verdict = await deliverUnderPolicy(runner, () => this.attempt(sub, msg, routed), this.stopped.signal);
    return settler.settle(msg, routed.event, verdict, true);
  }

  /** One POST (or OnTopicEvent) of a routed message to the app. */
  private async attempt(sub: Subscription, msg: Message, { event, body, path }: Routed): Promise<Attempted> {
    const release = await this.app.acquire();
    const headers = deliveryHeaders(sub, msg, event, body.length);
    const span = startDeliverySpan(this.deps.tracing?.(), sub.pubsubname, msg.topic, headers);
    let verdict: Verdict;
    let status: number | undefined;
    try {
      const res = await this.app.deliverEvent({ sub, path, event, body, headers });
      status = res.status;
      verdict = res.verdict;
    } catch (err) {
      verdict = { result: 'retry', reason: `delivery failed: ${(err as Error).message}` };
    } finally {
      release();
    }
    span?.end(status, verdict.result === 'success' ? undefined : `delivery ${verdict.result}`);
    return { verdict, status };
  }
}

export interface StartSubscriptionsOptions {
  deliveries: Deliveries;
  /** The app (GET /dapr/subscribe or ListTopicSubscriptions); `channel` alone means an HTTP app. */
  app?: AppCallbacks;
  channel?: AppChannel;
  logger: Logger;
  store: ComponentStore;
  declarative: readonly Subscription[];
  /** AppDeps metadata: its `subscriptions` array is filled for GET /v1.0/metadata. */
  metadata: { subscriptions: unknown[] };
  signal?: AbortSignal;
}

/** Once the app port is open: discover programmatic subscriptions, merge, report, subscribe. */
export async function startSubscriptions(o: StartSubscriptionsOptions): Promise<void> {
  const programmatic = await appOf(o.app, o.channel, o.logger).listSubscriptions(o.signal);
  if (o.signal?.aborted) return;
  const subs = mergeSubscriptions([...o.declarative], programmatic, (m) => o.logger.warn(m));
  // Streaming subscriptions (gRPC SubscribeTopicEventsAlpha1) may already be listed: keep them.
  const streaming = o.metadata.subscriptions.filter((s) => (s as { type?: unknown }).type === 'STREAMING');
  o.metadata.subscriptions.splice(0, o.metadata.subscriptions.length, ...subs.map(toInfo), ...streaming);
  await o.deliveries.start(subs, o.store);
}

/** The given app callbacks, or an HTTP app over `channel` (what callers before AppCallbacks pass). */
function appOf(app: AppCallbacks | undefined, channel: AppChannel | undefined, logger: Logger): AppCallbacks {
  if (app) return app;
  if (!channel) throw new Error('pub/sub delivery needs the app callbacks or an app channel');
  return new HttpAppCallbacks(channel, { logger });
}
