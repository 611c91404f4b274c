/**
 * @module pubsub/delivery
 * Delivers broker messages to the app (dapr `postman/http`): route by the subscription's rules,
 * `POST /<path>` with `Content-Type: application/cloudevents+json` and the envelope bytes, map the
 * answer to success / retry / drop, and copy to the dead-letter topic on drop or after
 * MAX_DELIVERY_ATTEMPTS retries. Shutdown unsubscribes first, then waits for in-flight posts; a
 * shutdown never dead-letters.
 */
import { createHash, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { HandlerResult, Message, PubSub } from '../components/pubsub/contract';
import type { ComponentStore } from '../components/store';
import { callApp, metadataHeaders } from '../invoke/app-call';
import type { AppChannel } from '../invoke/app-channel';
import { goField } from '../json/go-fields';
import type { Logger } from '../logger';
import { BulkDelivery } from './bulk';
import { isExpired, parseCloudEvent } from './cloudevent';
import { discoverSubscriptions } from './discovery';
import { mergeSubscriptions, toInfo, type Subscription } from './subscriptions';

export const CLOUDEVENT_CONTENT_TYPE = 'application/cloudevents+json';
/** After this many 'retry' answers for one envelope id, the message goes to the dead-letter topic. */
export const MAX_DELIVERY_ATTEMPTS = 5;
/** Retry counters kept per subscription (oldest forgotten first): brokers may give up silently. */
const MAX_TRACKED_MESSAGES = 10_000;

export interface Verdict {
  result: HandlerResult;
  /** Why, for logs (undefined for a plain success). */
  reason?: string;
}

/** Maps the app's answer to a broker result (spec §6.5 / trap 10). */
export function verdictFor(status: number, body: Buffer | string): Verdict {
  if (status === 404) return { result: 'drop', reason: 'the app answered 404' };
  if (status < 200 || status > 299) return { result: 'retry', reason: `the app answered ${status}` };
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return { result: 'success' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { result: 'success' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { result: 'success' };
  const s = goField(parsed as Record<string, unknown>, 'status'); // Go struct field: `Status` counts too
  if (s === undefined || s === null || s === '' || s === 'SUCCESS') return { result: 'success' };
  if (s === 'RETRY') return { result: 'retry', reason: 'the app asked for a retry' };
  if (s === 'DROP') return { result: 'drop', reason: 'the app asked to drop the message' };
  return { result: 'retry', reason: `unknown status ${JSON.stringify(s)}` };
}

export function isRawPayload(sub: Subscription): boolean {
  return sub.metadata.rawPayload?.toLowerCase() === 'true';
}

/** The event the rules see and the bytes the app gets, or undefined when the bytes are not a CloudEvent. */
export function prepareEvent(sub: Subscription, msg: Message): { event: Record<string, unknown>; body: Buffer } | undefined {
  if (isRawPayload(sub)) {
    const event: Record<string, unknown> = {
      id: randomUUID(),
      specversion: '1.0',
      datacontenttype: 'application/octet-stream',
      source: 'Dapr',
      type: 'com.dapr.event.sent',
      topic: msg.topic,
      pubsubname: sub.pubsubname,
      data_base64: msg.data.toString('base64'),
    };
    const tp = msg.metadata?.traceparent;
    if (tp) event.traceparent = tp;
    return { event, body: Buffer.from(JSON.stringify(event)) };
  }
  const event = parseCloudEvent(msg.data);
  return event ? { event, body: msg.data } : undefined;
}

/**
 * What retries of one message are counted by: its CloudEvent id, or its bytes when the id cannot
 * tell deliveries apart (a passthrough CloudEvent may have none; a raw-payload envelope gets a new
 * one per delivery).
 */
export function attemptKey(sub: Subscription, msg: Message, event: Record<string, unknown>): string {
  if (!isRawPayload(sub) && typeof event.id === 'string' && event.id !== '') return event.id;
  return `sha1:${createHash('sha1').update(msg.data).digest('hex')}`;
}

export function deliveryHeaders(sub: Subscription, msg: Message, event: Record<string, unknown>, bodyLength: number): http.OutgoingHttpHeaders {
  const headers = metadataHeaders(msg.metadata);
  headers.pubsubname = sub.pubsubname;
  if (typeof event.traceparent === 'string' && event.traceparent) headers.traceparent = event.traceparent;
  if (typeof event.tracestate === 'string' && event.tracestate) headers.tracestate = event.tracestate;
  headers['content-type'] = CLOUDEVENT_CONTENT_TYPE;
  headers['content-length'] = bodyLength;
  return headers;
}

/** A message ready for the app: the event the rules saw, the bytes to send and the route path. */
export interface Routed {
  event: Record<string, unknown>;
  body: Buffer;
  path: string;
}

/**
 * What single and bulk delivery of one subscription share: routing a message before the app call
 * (undecodable, expired and unrouted messages are settled there) and settling the app's verdict
 * after it (retries counted per message, dead-lettering; a shutdown never dead-letters).
 */
export class Settler {
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly sub: Subscription,
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
    private readonly isStopping: () => boolean,
  ) {}

  /** The event and its route, or the broker result when the message is not sent to the app. */
  async route(msg: Message): Promise<Routed | HandlerResult> {
    const { sub, logger: log } = this;
    const prepared = prepareEvent(sub, msg);
    if (!prepared) {
      // As daprd: an undecodable envelope takes the retry path (dead letter when configured).
      log.warn(`topic "${msg.topic}" on pub/sub "${sub.pubsubname}": the message is not a CloudEvent (rawPayload is off)`);
      return sub.deadLetterTopic ? this.drop(msg) : 'retry';
    }
    const { event, body } = prepared;
    if (isExpired(event)) {
      log.warn(`topic "${msg.topic}" on pub/sub "${sub.pubsubname}": message ${String(event.id)} expired at ${String(event.expiration)}; dropping it`);
      return 'drop';
    }
    const rule = sub.rules.find((r) => r.test(event));
    if (!rule) {
      // Acknowledged and dropped (copied to the dead-letter topic when there is one), as daprd.
      log.debug(`topic "${msg.topic}" on pub/sub "${sub.pubsubname}": no route matches message ${String(event.id)}; skipping it`);
      return (await this.drop(msg)) === 'retry' ? 'retry' : 'success';
    }
    return { event, body, path: rule.path.startsWith('/') ? rule.path : `/${rule.path}` };
  }

  /** The result for the broker: retries are counted per message (attemptKey), drops dead-lettered. */
  async settle(msg: Message, event: Record<string, unknown>, verdict: Verdict): Promise<HandlerResult> {
    const { sub, logger: log, attempts } = this;
    if (verdict.result === 'success') {
      // The common case: no retry counter to clear, so the key (a hash for raw payloads) is not computed.
      if (attempts.size > 0) attempts.delete(attemptKey(sub, msg, event));
      return 'success';
    }
    const id = attemptKey(sub, msg, event);
    if (verdict.result === 'drop') {
      attempts.delete(id);
      log.warn(`topic "${msg.topic}" on pub/sub "${sub.pubsubname}": ${verdict.reason}; dropping message ${id}`);
      return this.drop(msg);
    }
    log.debug(`topic "${msg.topic}" on pub/sub "${sub.pubsubname}": ${verdict.reason}; retrying message ${id}`);
    if (this.isStopping()) return 'retry';
    const n = (attempts.get(id) ?? 0) + 1;
    if (n < MAX_DELIVERY_ATTEMPTS) {
      attempts.delete(id);
      attempts.set(id, n);
      if (attempts.size > MAX_TRACKED_MESSAGES) attempts.delete(attempts.keys().next().value as string);
      return 'retry';
    }
    attempts.delete(id);
    if (!sub.deadLetterTopic) return 'retry';
    log.warn(`topic "${msg.topic}" on pub/sub "${sub.pubsubname}": message ${id} failed ${n} times`);
    return this.drop(msg);
  }

  /** Acknowledges a dropped message, copying it to the dead-letter topic first when there is one. */
  async drop(msg: Message): Promise<HandlerResult> {
    const { sub } = this;
    if (!sub.deadLetterTopic) return 'drop';
    try {
      await this.pubsub.publish({ topic: sub.deadLetterTopic, data: msg.data, contentType: CLOUDEVENT_CONTENT_TYPE, metadata: msg.metadata });
      return 'drop';
    } catch (err) {
      this.logger.error({ err }, `publishing to dead-letter topic "${sub.deadLetterTopic}" on pub/sub "${sub.pubsubname}" failed`);
      return 'retry';
    }
  }
}

export interface DeliveryDeps {
  channel: AppChannel;
  logger: Logger;
}

interface Active {
  sub: Subscription;
  unsubscribe: () => Promise<void>;
}

/** Runs every subscription of one sidecar: start() subscribes, stop() unsubscribes and drains. */
export class Deliveries {
  private readonly active: Active[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Sends the buffered batches of bulk subscriptions (on stop). */
  private readonly flushes: Array<() => void> = [];
  private stopping = false;

  constructor(private readonly deps: DeliveryDeps) {}

  /** Subscribes each subscription on its component; unknown pub/sub names are skipped with a warning. */
  async start(subs: readonly Subscription[], store: ComponentStore): Promise<void> {
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
    const subs = this.active.splice(0);
    await Promise.allSettled(subs.map((a) => a.unsubscribe()));
    for (const flush of this.flushes.splice(0)) flush();
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
  }

  handlerFor(sub: Subscription, pubsub: PubSub): (msg: Message) => Promise<HandlerResult> {
    const deps = { ...this.deps, isStopping: () => this.stopping };
    const bulk = sub.bulkSubscribe?.enabled ? new BulkDelivery(sub, pubsub, deps) : undefined;
    if (bulk) this.flushes.push(() => bulk.flush());
    const settler = bulk ? undefined : new Settler(sub, pubsub, deps.logger, deps.isStopping);
    return (msg) => {
      if (this.stopping) return Promise.resolve('retry');
      const p = bulk ? bulk.add(msg) : this.deliver(sub, settler as Settler, msg);
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
      return p;
    };
  }

  private async deliver(sub: Subscription, settler: Settler, msg: Message): Promise<HandlerResult> {
    const routed = await settler.route(msg);
    if (typeof routed === 'string') return routed;
    const { event, body, path } = routed;
    const release = await this.deps.channel.acquire();
    let verdict: Verdict;
    try {
      const res = await callApp(this.deps.channel, 'POST', path, deliveryHeaders(sub, msg, event, body.length), { body });
      verdict = verdictFor(res.status, res.body);
    } catch (err) {
      verdict = { result: 'retry', reason: `delivery failed: ${(err as Error).message}` };
    } finally {
      release();
    }
    return settler.settle(msg, event, verdict);
  }
}

export interface StartSubscriptionsOptions {
  deliveries: Deliveries;
  channel: AppChannel;
  logger: Logger;
  store: ComponentStore;
  declarative: readonly Subscription[];
  /** AppDeps metadata: its `subscriptions` array is filled for GET /v1.0/metadata. */
  metadata: { subscriptions: unknown[] };
  signal?: AbortSignal;
}

/** Once the app port is open: discover programmatic subscriptions, merge, report, subscribe. */
export async function startSubscriptions(o: StartSubscriptionsOptions): Promise<void> {
  const programmatic = await discoverSubscriptions(o.channel, o.logger, o.signal);
  if (o.signal?.aborted) return;
  const subs = mergeSubscriptions([...o.declarative], programmatic, (m) => o.logger.warn(m));
  o.metadata.subscriptions.splice(0, o.metadata.subscriptions.length, ...subs.map(toInfo));
  await o.deliveries.start(subs, o.store);
}
