// owned by P5
/**
 * @module pubsub/streaming
 * Streaming subscriptions (SubscribeTopicEventsAlpha1, daprd `pkg/runtime/pubsub/streamer`): each
 * open stream is one broker subscription of its own (no app port involved). A message is routed
 * and settled by the same Settler as app deliveries (retry counting, MAX_DELIVERY_ATTEMPTS,
 * dead-letter topic, expiry, undecodable envelopes), sent to the stream as a TopicEventRequest and
 * answered by the client's `eventProcessed {id, status}`: SUCCESS acks, RETRY leaves it to the
 * broker's redelivery, DROP acks (after copying it to the dead-letter topic when there is one).
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
import { Settler, type Verdict } from './settle';
import { buildSubscription, toInfo, type Subscription, type SubscriptionInfo } from './subscriptions';

/** google.protobuf.Value as the proto loader encodes it (one of the kinds set). */
export interface ValuePb {
  nullValue?: 0;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: StructPb;
  listValue?: { values: ValuePb[] };
}

/** google.protobuf.Struct as the proto loader encodes it. */
export interface StructPb {
  fields: Record<string, ValuePb>;
}

/** dapr.proto.runtime.v1.TopicEventRequest as the proto loader shapes it. */
export interface TopicEventRequestPb {
  id: string;
  source: string;
  type: string;
  specVersion: string;
  dataContentType: string;
  data: Buffer;
  topic: string;
  pubsubName: string;
  path: string;
  extensions?: StructPb | null;
}

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
}

export interface StreamInit {
  pubsubName: string;
  topic: string;
  metadata: Record<string, string>;
  deadLetterTopic?: string;
}

/** TopicEventResponse.TopicEventResponseStatus. */
export const TOPIC_EVENT_STATUS = { SUCCESS: 0, RETRY: 1, DROP: 2 } as const;

/** The client's answer to one message as a broker verdict (daprd: unknown statuses retry). */
export function verdictForStatus(status: number): Verdict {
  if (status === TOPIC_EVENT_STATUS.SUCCESS) return { result: 'success' };
  if (status === TOPIC_EVENT_STATUS.RETRY) return { result: 'retry', reason: 'the subscriber asked for a retry' };
  if (status === TOPIC_EVENT_STATUS.DROP) return { result: 'drop', reason: 'the subscriber asked to drop the message' };
  return { result: 'retry', reason: `unknown status ${status} from the subscriber` };
}

/** JSON value → google.protobuf.Value (undefined and functions become null, as JSON would drop/null them). */
export function toValue(v: unknown): ValuePb {
  if (v === null || v === undefined) return { nullValue: 0 };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  if (typeof v === 'object') return { structValue: toStruct(v as Record<string, unknown>) };
  return { nullValue: 0 };
}

export function toStruct(o: Record<string, unknown>): StructPb {
  const fields: Record<string, ValuePb> = {};
  for (const [k, v] of Object.entries(o)) fields[k] = toValue(v);
  return { fields };
}

/** The CloudEvent attributes that have their own TopicEventRequest field; the rest are extensions. */
const OWN_FIELDS = new Set(['id', 'source', 'datacontenttype', 'type', 'specversion', 'data', 'data_base64']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** daprd contenttype.isContentType: exact, or the part before ';' (case-insensitive). */
function isContentType(ct: string, expected: string): boolean {
  const lower = ct.toLowerCase();
  if (lower === expected) return true;
  const semi = lower.indexOf(';');
  return semi >= 0 && lower.slice(0, semi) === expected;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Thrown for an event whose data cannot be put in a TopicEventRequest (daprd retries it). */
export class EnvelopeDataError extends Error {}

/**
 * The TopicEventRequest of one routed event, as daprd's GRPCEnvelopeFromSubscriptionMessage builds
 * it: `data_base64` decoded; `data` as its text for text/* and application/xml, as JSON for JSON and
 * CloudEvent content types, left empty otherwise; every other attribute goes to `extensions`.
 */
export function topicEventRequest(event: Record<string, unknown>, topic: string, pubsubName: string, path: string): TopicEventRequestPb {
  const dataContentType = str(event.datacontenttype);
  let data = Buffer.alloc(0);
  const b64 = event.data_base64;
  if (b64 !== undefined && b64 !== null) {
    if (typeof b64 !== 'string' || !BASE64.test(b64)) throw new EnvelopeDataError('unexpected data type encountered in envelope (data_base64)');
    data = Buffer.from(b64, 'base64');
  } else if (event.data !== undefined && event.data !== null) {
    const d = event.data;
    if (dataContentType.toLowerCase().startsWith('text/') || isContentType(dataContentType, 'application/xml')) {
      if (typeof d !== 'string') throw new EnvelopeDataError('unexpected data type encountered in envelope');
      data = Buffer.from(d, 'utf8');
    } else if (isContentType(dataContentType, 'application/json') || isContentType(dataContentType, 'application/cloudevents+json')) {
      data = Buffer.from(JSON.stringify(d), 'utf8');
    }
  }
  const extensions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) if (!OWN_FIELDS.has(k)) extensions[k] = v;
  return {
    id: str(event.id),
    source: str(event.source),
    type: str(event.type),
    specVersion: str(event.specversion),
    dataContentType,
    data,
    topic,
    pubsubName,
    path,
    extensions: toStruct(extensions),
  };
}

type Answer = number | 'closed';

/** One open stream: its broker subscription, the messages waiting for an answer, its metadata entry. */
class OpenStream {
  readonly settler: Settler;
  readonly info: SubscriptionInfo;
  /** Waiting answers by message id (a list: a broker may hand out the same id twice). */
  private readonly waiting = new Map<string, Array<(a: Answer) => void>>();
  /** Handler runs not finished yet (sent or about to be). */
  private readonly running = new Set<Promise<unknown>>();
  closed = false;
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
      return settler.settle(msg, event, { result: 'retry', reason: `sending to the stream failed: ${(err as Error).message}` });
    }
    const a = await answer;
    const verdict: Verdict = a === 'closed' ? { result: 'retry', reason: 'the stream closed before the message was answered' } : verdictForStatus(a);
    span?.end(undefined, verdict.result === 'success' ? undefined : `delivery ${verdict.result}`);
    return settler.settle(msg, event, verdict);
  }

  /** Handler runs still waiting for answers (for a graceful stop). */
  inFlight(): Promise<unknown> {
    return Promise.allSettled([...this.running]);
  }

  /** Stops: unanswered messages go back to the broker (not counted as retries), then unsubscribes. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
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
