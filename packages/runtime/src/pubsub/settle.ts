/**
 * @module pubsub/settle
 * What single (delivery.ts) and bulk (bulk.ts) delivery share: the app's answer mapped to a broker
 * verdict, the event the rules see, the delivery headers and the Settler that routes a message
 * before the app call and settles the verdict after it (retries counted, dead-lettering). With an
 * inbound resiliency policy on the pub/sub, the policy retries first (pubsub/inbound.ts) and the
 * Settler only dead-letters or hands the message back.
 */
import { createHash, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { HandlerResult, Message, PubSub } from '../components/pubsub/contract';
import { metadataHeaders } from '../invoke/app-call';
import { goField } from '../json/go-fields';
import type { Logger } from '../logger';
import { isExpired, parseCloudEvent } from './cloudevent';
import type { Subscription } from './subscriptions';

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

  /**
   * The result for the broker: retries are counted per message (attemptKey), drops dead-lettered.
   * `policy`: an inbound resiliency policy already retried the delivery (daprd's order): a retry
   * verdict then goes to the dead-letter topic at once when there is one, else back to the broker,
   * without minidaprd's own counting.
   */
  async settle(msg: Message, event: Record<string, unknown>, verdict: Verdict, policy = false): Promise<HandlerResult> {
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
    if (policy) {
      if (!sub.deadLetterTopic) return 'retry';
      log.warn(`topic "${msg.topic}" on pub/sub "${sub.pubsubname}": message ${id} still failing after the resiliency policy's retries`);
      return this.drop(msg);
    }
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
