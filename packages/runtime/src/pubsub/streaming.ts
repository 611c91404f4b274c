// owned by P5
/**
 * @module pubsub/streaming
 * Streaming subscriptions (SubscribeTopicEventsAlpha1, daprd `pkg/runtime/pubsub/streamer`): each
 * open stream is one broker subscription of its own (no app port involved). A message is routed
 * and settled by the same Settler as app deliveries (retry counting, MAX_DELIVERY_ATTEMPTS,
 * dead-letter topic, expiry, undecodable envelopes), sent to the stream as a TopicEventRequest and
 * answered by the client's `eventProcessed {id, status}`: SUCCESS acks, RETRY leaves it to the
 * broker's redelivery, DROP acks (after copying it to the dead-letter topic when there is one).
 * With an inbound resiliency policy on the pub/sub, a RETRY answer resends the message on the
 * stream per the policy first (daprd runs its streaming postman under the same policy).
 * A stream that closes with messages unanswered nacks them without counting a retry, so the broker
 * redelivers them to whoever subscribes next. One stream per (pub/sub, topic) per sidecar.
 */
import type { Message, PubSub } from '../components/pubsub/contract';
import type { ComponentStore } from '../components/store';
import { pubsubErrors } from '../errors/pubsub';
import type { Logger } from '../logger';
import type { MetadataState } from '../server/deps';
import { startDeliverySpan } from '../tracing/callback-span';
import type { Tracing } from '../tracing/tracer';
import { deliverUnderPolicy, inboundRunner, type ResiliencyGetter } from './inbound';
import { Settler, type Verdict } from './settle';
import { buildSubscription, toInfo, type Subscription, type SubscriptionInfo } from './subscriptions';
import { topicEventRequest, verdictForStatus, type TopicEventRequestPb } from './topic-event-pb';

export { TOPIC_EVENT_STATUS, topicEventRequest, verdictForStatus, type TopicEventRequestPb } from './topic-event-pb';

export interface StreamSink {
  send(msg: TopicEventRequestPb): void;
  onAck(cb: (id: string, status: 0 | 1 | 2) => void): void;
  closed: AbortSignal;
  /** Called when the sidecar ends the stream itself (shutdown): the RPC should finish with OK. */
  end?(): void;
}

export interface StreamingOptions {
  store: ComponentStore;
  logger: Logger;
  metadata: MetadataState;
  tracing?(): Tracing | undefined;
  isStopping(): boolean;
  /** The loaded resiliency policies: a pub/sub's inbound policy resends messages the client asks to retry. */
  resiliency?: ResiliencyGetter;
}

export interface StreamInit {
  pubsubName: string;
  topic: string;
  metadata: Record<string, string>;
  deadLetterTopic?: string;
}

type Answer = number | 'closed';

const CLOSED: Verdict = { result: 'retry', reason: 'the stream closed before the message was answered' };

/** One open stream: its broker subscription, the messages waiting for an answer, its metadata entry. */
class OpenStream {
  readonly settler: Settler;
  readonly info: SubscriptionInfo;
  /** Waiting answers by message id (a list: a broker may hand out the same id twice). */
  private readonly waiting = new Map<string, Array<(a: Answer) => void>>();
  /** Handler runs not finished yet (sent or about to be). */
  private readonly running = new Set<Promise<unknown>>();
  closed = false;
  /** Aborted on close: policy retries give up. */
  private readonly closedSignal = new AbortController();
  unsubscribe?: () => Promise<void>;
  private closing?: Promise<void>;

  constructor(
    readonly key: string,
    readonly sub: Subscription,
    readonly pubsub: PubSub,
    readonly sink: StreamSink,
    private readonly owner: StreamingSubscriptions,
    private readonly o: StreamingOptions,
  ) {
    this.settler = new Settler(sub, pubsub, o.logger, () => this.closed || owner.stopping || o.isStopping());
    this.info = toInfo(sub);
    sink.onAck((id, status) => this.answer(id, status));
  }

  private answer(id: string, status: number): void {
    const list = this.waiting.get(id);
    const resolve = list?.shift();
    if (!resolve) {
      this.o.logger.debug(`streaming subscription to topic "${this.sub.topic}" on pub/sub "${this.sub.pubsubname}": no message ${JSON.stringify(id)} is waiting for an answer`);
      return;
    }
    if (list && list.length === 0) this.waiting.delete(id);
    resolve(status);
  }

  handler = (msg: Message): Promise<'success' | 'retry' | 'drop'> => {
    if (this.closed || this.owner.stopping) return Promise.resolve('retry');
    const p = this.deliver(msg);
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
    return p;
  };

  private async deliver(msg: Message): Promise<'success' | 'retry' | 'drop'> {
    const { sub, settler } = this;
    const routed = await settler.route(msg);
    if (typeof routed === 'string') return routed;
    const { event, path } = routed;
    let req: TopicEventRequestPb;
    try {
      req = topicEventRequest(event, msg.topic, sub.pubsubname, path);
    } catch (err) {
      return settler.settle(msg, event, { result: 'retry', reason: (err as Error).message });
    }
    if (this.closed) return 'retry';
    const runner = inboundRunner(this.o.resiliency, sub.pubsubname, 'pubsub');
    if (runner.noop) return settler.settle(msg, event, await this.attempt(msg, event, req));
    const verdict = await deliverUnderPolicy(runner, async () => ({ verdict: this.closed ? CLOSED : await this.attempt(msg, event, req) }), this.closedSignal.signal);
    return settler.settle(msg, event, verdict, true);
  }

  /** Sends the message to the stream once and waits for the client's answer. */
  private async attempt(msg: Message, event: Record<string, unknown>, req: TopicEventRequestPb): Promise<Verdict> {
    const { sub } = this;
    const headers: Record<string, string> = {};
    if (typeof event.traceparent === 'string' && event.traceparent) headers.traceparent = event.traceparent;
    if (typeof event.tracestate === 'string' && event.tracestate) headers.tracestate = event.tracestate;
    const span = startDeliverySpan(this.o.tracing?.(), sub.pubsubname, msg.topic, headers);
    const answer = new Promise<Answer>((resolve) => {
      const list = this.waiting.get(req.id);
      if (list) list.push(resolve);
      else this.waiting.set(req.id, [resolve]);
    });
    try {
      this.sink.send(req);
    } catch (err) {
      this.answer(req.id, -1);
      span?.end(undefined, `delivery failed: ${(err as Error).message}`);
      return { result: 'retry', reason: `sending to the stream failed: ${(err as Error).message}` };
    }
    const a = await answer;
    const verdict: Verdict = a === 'closed' ? CLOSED : verdictForStatus(a, 'the subscriber');
    span?.end(undefined, verdict.result === 'success' ? undefined : `delivery ${verdict.result}`);
    return verdict;
  }

  /** Handler runs still waiting for answers (for a graceful stop). */
  inFlight(): Promise<unknown> {
    return Promise.allSettled([...this.running]);
  }

  /** Stops: unanswered messages go back to the broker (not counted as retries), then unsubscribes. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      this.closedSignal.abort();
      for (const list of this.waiting.values()) for (const resolve of list) resolve('closed');
      this.waiting.clear();
      this.owner.forget(this);
      try {
        await this.unsubscribe?.();
      } catch (err) {
        this.o.logger.warn({ err }, `unsubscribing the streaming subscription to topic "${this.sub.topic}" on pub/sub "${this.sub.pubsubname}" failed`);
      }
      this.o.logger.info(`unsubscribed from topic "${this.sub.topic}" on pub/sub "${this.sub.pubsubname}" (streaming)`);
    })();
    return this.closing;
  }
}

export class StreamingSubscriptions {
  private readonly open_ = new Map<string, OpenStream>();
  /** @internal set by stop(): new messages are handed back to the broker. */
  stopping = false;

  constructor(protected readonly o: StreamingOptions) {}

  /**
   * Rejects with a plain Error before subscribing (duplicate, subscribe failure, sidecar stopping)
   * and with ERR_PUBSUB_NOT_FOUND for an unknown pub/sub (daprd's NotFound); subscribe.ts sends a
   * plain Error's message as UNKNOWN, as daprd does. Resolves with the function that closes it.
   */
  async open(init: StreamInit, sink: StreamSink): Promise<() => Promise<void>> {
    const { pubsubName, topic } = init;
    if (this.stopping || this.o.isStopping()) throw new Error('subscriber is closed');
    const key = `${pubsubName}\u0000${topic}`;
    if (this.open_.has(key)) throw new Error(`streamer already subscribed to pubsub ${JSON.stringify(pubsubName)} topic ${JSON.stringify(topic)}`);
    const found = this.o.store.lookup<PubSub>('pubsub', pubsubName);
    if (!found.ok) throw pubsubErrors(pubsubName, init.metadata).notFound();
    const sub = buildSubscription(
      { pubsubname: pubsubName, topic, route: '/', deadLetterTopic: init.deadLetterTopic ?? '', metadata: init.metadata },
      'STREAMING',
      `streaming subscription to topic "${topic}" on pub/sub "${pubsubName}"`,
    ) as Subscription;
    const stream = new OpenStream(key, sub, found.component.instance, sink, this, this.o);
    this.open_.set(key, stream);
    try {
      stream.unsubscribe = await found.component.instance.subscribe({ topic, metadata: init.metadata }, stream.handler);
    } catch (err) {
      this.open_.delete(key);
      stream.closed = true;
      throw new Error(`failed to create subscription for ${pubsubName}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (sink.closed.aborted || this.stopping) {
      await stream.close();
      throw new Error('stream closed');
    }
    this.o.metadata.subscriptions.push(stream.info);
    sink.closed.addEventListener('abort', () => void stream.close(), { once: true });
    this.o.logger.info(`subscribed to topic "${topic}" on pub/sub "${pubsubName}" (streaming)`);
    return () => stream.close();
  }

  /** @internal an OpenStream leaving: frees its key and its metadata entry. */
  forget(stream: OpenStream): void {
    if (this.open_.get(stream.key) === stream) this.open_.delete(stream.key);
    const i = this.o.metadata.subscriptions.indexOf(stream.info);
    if (i >= 0) this.o.metadata.subscriptions.splice(i, 1);
  }

  /** Open streams (tests, metadata). */
  get size(): number {
    return this.open_.size;
  }

  /**
   * Takes no new messages, lets messages already sent be answered for up to graceMs, then closes
   * every stream (unanswered messages go back to the broker) and ends the RPCs.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const streams = [...this.open_.values()];
    if (streams.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(streams.map((s) => s.inFlight())), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    await Promise.allSettled(streams.map((s) => s.close()));
    for (const s of streams) s.sink.end?.();
  }
}
