import type { HandlerResult, Message, MessageHandler, PubSub, PublishRequest, SubscribeRequest } from '../components/pubsub/contract';
import { ComponentStore } from '../components/store';
import type { ComponentManifest } from '../components/types';
import { DaprError } from '../errors/dapr-error';
import type { Logger } from '../logger';
import type { MetadataState } from '../server/deps';
import { Resiliency } from '../resiliency/resiliency';
import { MAX_DELIVERY_ATTEMPTS } from './settle';
import { StreamingSubscriptions, topicEventRequest, type StreamSink, type TopicEventRequestPb } from './streaming';

const quiet = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

/** A broker that records: the test calls the subscription's handler itself and sees its result. */
class RecordingBroker implements PubSub {
  handler?: MessageHandler;
  subscribed: SubscribeRequest[] = [];
  unsubscribed = 0;
  published: PublishRequest[] = [];
  failSubscribe?: Error;
  async init(): Promise<void> {}
  async close(): Promise<void> {}
  features(): readonly string[] {
    return [];
  }
  async publish(req: PublishRequest): Promise<void> {
    this.published.push(req);
  }
  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<() => Promise<void>> {
    if (this.failSubscribe) throw this.failSubscribe;
    this.subscribed.push(req);
    this.handler = handler;
    return async () => {
      this.unsubscribed++;
      this.handler = undefined;
    };
  }
  deliver(msg: Message): Promise<HandlerResult> {
    if (!this.handler) throw new Error('not subscribed');
    return this.handler(msg);
  }
}

function manifest(name: string): ComponentManifest {
  return { name, type: 'pubsub.recording', category: 'pubsub', version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: 'x.yaml' };
}

function fakeSink() {
  const sent: TopicEventRequestPb[] = [];
  const ac = new AbortController();
  let ack: ((id: string, s: 0 | 1 | 2) => void) | undefined;
  const state = { ended: false };
  const sink: StreamSink = {
    send: (m) => sent.push(m),
    onAck: (cb) => (ack = cb),
    closed: ac.signal,
    end: () => (state.ended = true),
  };
  return { sink, sent, state, ack: (id: string, s: number) => ack?.(id, s as 0 | 1 | 2), close: () => ac.abort() };
}

function event(id: string, extra: Record<string, unknown> = {}): Message {
  const ce = { id, specversion: '1.0', source: 'publisher', type: 'com.dapr.event.sent', datacontenttype: 'application/json', data: { n: id }, topic: 'orders', pubsubname: 'ps', ...extra };
  return { topic: 'orders', data: Buffer.from(JSON.stringify(ce)), metadata: { pubsubName: 'ps' } };
}

async function until(probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

let broker: RecordingBroker;
let metadata: MetadataState;
let streaming: StreamingSubscriptions;
let stopping: boolean;

beforeEach(() => {
  broker = new RecordingBroker();
  const store = new ComponentStore();
  store.add({ manifest: manifest('ps'), instance: broker });
  metadata = { extended: new Map(), enabledFeatures: [], subscriptions: [], httpEndpoints: [] };
  stopping = false;
  streaming = new StreamingSubscriptions({ store, logger: quiet, metadata, isStopping: () => stopping });
});

describe('StreamingSubscriptions', () => {
  it('subscribes with the request metadata, lists the stream as STREAMING and unlists it on close', async () => {
    const s = fakeSink();
    const close = await streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: { rawPayload: 'false' }, deadLetterTopic: 'dead' }, s.sink);
    expect(broker.subscribed).toEqual([{ topic: 'orders', metadata: { rawPayload: 'false' } }]);
    expect(metadata.subscriptions).toEqual([
      { pubsubname: 'ps', topic: 'orders', metadata: { rawPayload: 'false' }, rules: [{ path: '/' }], deadLetterTopic: 'dead', type: 'STREAMING' },
    ]);
    await close();
    expect(broker.unsubscribed).toBe(1);
    expect(metadata.subscriptions).toEqual([]);
    expect(streaming.size).toBe(0);
  });

  it('sends each message as a TopicEventRequest and maps SUCCESS / RETRY / DROP / unknown statuses', async () => {
    const s = fakeSink();
    await streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {} }, s.sink);
    const answers: Array<[string, number, HandlerResult]> = [
      ['a', 0, 'success'],
      ['b', 1, 'retry'],
      ['c', 2, 'drop'],
      ['d', 9, 'retry'],
    ];
    for (const [id, status, expected] of answers) {
      const p = broker.deliver(event(id));
      await until(() => s.sent.some((m) => m.id === id));
      s.ack(id, status);
      await expect(p).resolves.toBe(expected);
    }
    expect(s.sent[0]).toMatchObject({
      id: 'a',
      source: 'publisher',
      type: 'com.dapr.event.sent',
      specVersion: '1.0',
      dataContentType: 'application/json',
      topic: 'orders',
      pubsubName: 'ps',
      path: '/',
    });
    expect(JSON.parse((s.sent[0] as TopicEventRequestPb).data.toString())).toEqual({ n: 'a' });
    expect(broker.published).toEqual([]);
  });

  it('sends the bytes as they are with rawPayload=true', async () => {
    const s = fakeSink();
    await streaming.open({ pubsubName: 'ps', topic: 'raw', metadata: { rawPayload: 'true' } }, s.sink);
    const p = broker.deliver({ topic: 'raw', data: Buffer.from([0, 1, 2, 255]) });
    await until(() => s.sent.length === 1);
    const m = s.sent[0] as TopicEventRequestPb;
    expect([...m.data]).toEqual([0, 1, 2, 255]);
    expect(m).toMatchObject({ dataContentType: 'application/octet-stream', type: 'com.dapr.event.sent', topic: 'raw', pubsubName: 'ps' });
    s.ack(m.id, 0);
    await expect(p).resolves.toBe('success');
  });

  it('matches answers by id, whatever their order', async () => {
    const s = fakeSink();
    await streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {} }, s.sink);
    const p1 = broker.deliver(event('one'));
    const p2 = broker.deliver(event('two'));
    await until(() => s.sent.length === 2);
    s.ack('two', 2);
    s.ack('unknown-id', 0);
    s.ack('one', 0);
    await expect(p1).resolves.toBe('success');
    await expect(p2).resolves.toBe('drop');
  });

  it(`dead-letters after ${MAX_DELIVERY_ATTEMPTS} RETRY answers and on DROP when a dead-letter topic is set`, async () => {
    const s = fakeSink();
    await streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {}, deadLetterTopic: 'dead' }, s.sink);
    const results: HandlerResult[] = [];
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) {
      const p = broker.deliver(event('poison'));
      await until(() => s.sent.length === i + 1);
      s.ack('poison', 1);
      results.push(await p);
    }
    expect(results).toEqual(['retry', 'retry', 'retry', 'retry', 'drop']);
    expect(broker.published.map((p) => p.topic)).toEqual(['dead']);
    const p = broker.deliver(event('bad'));
    await until(() => s.sent.some((m) => m.id === 'bad'));
    s.ack('bad', 2);
    await expect(p).resolves.toBe('drop');
    expect(broker.published.map((x) => [x.topic, JSON.parse(x.data.toString()).id])).toEqual([
      ['dead', 'poison'],
      ['dead', 'bad'],
    ]);
  });

  it('nacks unanswered messages when the stream closes, without counting a retry, and frees the topic', async () => {
    const s = fakeSink();
    await streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {}, deadLetterTopic: 'dead' }, s.sink);
    const pending = broker.deliver(event('x'));
    await until(() => s.sent.length === 1);
    s.close();
    await expect(pending).resolves.toBe('retry');
    await until(() => broker.unsubscribed === 1);
    expect(metadata.subscriptions).toEqual([]);
    expect(broker.published).toEqual([]);
    const again = fakeSink();
    await streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {} }, again.sink);
    const p = broker.deliver(event('x'));
    await until(() => again.sent.length === 1);
    again.ack('x', 0);
    await expect(p).resolves.toBe('success');
  });

  it('refuses a second stream on the same pub/sub and topic, an unknown pub/sub and a failed subscribe', async () => {
    await streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {} }, fakeSink().sink);
    await expect(streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {} }, fakeSink().sink)).rejects.toThrow('streamer already subscribed to pubsub "ps" topic "orders"');
    await expect(streaming.open({ pubsubName: 'ps', topic: 'other', metadata: {} }, fakeSink().sink)).resolves.toBeInstanceOf(Function);
    const missing = await streaming.open({ pubsubName: 'nope', topic: 'orders', metadata: {} }, fakeSink().sink).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DaprError);
    expect((missing as DaprError).code).toBe('ERR_PUBSUB_NOT_FOUND');
    broker.failSubscribe = new Error('broker down');
    await expect(streaming.open({ pubsubName: 'ps', topic: 'third', metadata: {} }, fakeSink().sink)).rejects.toThrow('failed to create subscription for ps: broker down');
    expect(streaming.size).toBe(2);
    expect(metadata.subscriptions).toHaveLength(2);
  });

  it('stop() lets a sent message be answered, hands new ones back, then closes and ends the streams', async () => {
    const s = fakeSink();
    await streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {} }, s.sink);
    const inFlight = broker.deliver(event('late'));
    await until(() => s.sent.length === 1);
    const stopped = streaming.stop(5000);
    await expect(broker.deliver(event('new'))).resolves.toBe('retry');
    expect(s.state.ended).toBe(false);
    s.ack('late', 0);
    await expect(inFlight).resolves.toBe('success');
    await stopped;
    expect(s.state.ended).toBe(true);
    expect(broker.unsubscribed).toBe(1);
    await expect(streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {} }, fakeSink().sink)).rejects.toThrow('subscriber is closed');
  });

  it('stop() gives up waiting after the grace period and nacks what is unanswered', async () => {
    const s = fakeSink();
    await streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {}, deadLetterTopic: 'dead' }, s.sink);
    const inFlight = broker.deliver(event('never'));
    await until(() => s.sent.length === 1);
    await streaming.stop(20);
    await expect(inFlight).resolves.toBe('retry');
    expect(broker.published).toEqual([]);
    expect(s.state.ended).toBe(true);
  });
});

describe('topicEventRequest', () => {
  it('decodes data_base64, keeps text for text/* and XML, JSON-encodes JSON data and moves the rest to extensions', () => {
    const b64 = topicEventRequest({ id: '1', specversion: '1.0', datacontenttype: 'application/octet-stream', data_base64: Buffer.from([1, 2, 3]).toString('base64'), traceparent: 'tp' }, 't', 'ps', '/');
    expect([...b64.data]).toEqual([1, 2, 3]);
    expect(b64.extensions).toEqual({ fields: { traceparent: { stringValue: 'tp' } } });
    const text = topicEventRequest({ id: '2', datacontenttype: 'text/plain; charset=utf-8', data: 'héllo' }, 't', 'ps', '/');
    expect(text.data.toString()).toBe('héllo');
    expect(topicEventRequest({ datacontenttype: 'application/xml', data: '<a/>' }, 't', 'ps', '/').data.toString()).toBe('<a/>');
    const json = topicEventRequest({ id: '3', datacontenttype: 'application/json', data: { a: [1, true, null] }, n: 4, o: { x: 'y' } }, 't', 'ps', '/p');
    expect(json.data.toString()).toBe('{"a":[1,true,null]}');
    expect(json.path).toBe('/p');
    expect(json.extensions).toEqual({ fields: { n: { numberValue: 4 }, o: { structValue: { fields: { x: { stringValue: 'y' } } } } } });
    expect(topicEventRequest({ datacontenttype: 'application/cloudevents+json', data: 'x' }, 't', 'ps', '/').data.toString()).toBe('"x"');
    expect(topicEventRequest({ datacontenttype: 'image/png', data: 'x' }, 't', 'ps', '/').data.length).toBe(0);
  });

  it('refuses data it cannot carry (a retry, as daprd)', () => {
    expect(() => topicEventRequest({ datacontenttype: 'text/plain', data: { not: 'text' } }, 't', 'ps', '/')).toThrow('unexpected data type');
    expect(() => topicEventRequest({ data_base64: 'not base64!' }, 't', 'ps', '/')).toThrow('unexpected data type');
  });
});

describe('StreamingSubscriptions under an inbound resiliency policy', () => {
  it('resends a message the client asks to retry, per the policy, then dead-letters it', async () => {
    const doc = { kind: 'Resiliency', metadata: { name: 'r' }, spec: { policies: { retries: { two: { policy: 'constant', duration: '1ms', maxRetries: 2 } } }, targets: { components: { ps: { inbound: { retry: 'two' } } } } } };
    const resiliency = Resiliency.fromResources([{ kind: 'Resiliency', name: 'r', file: 'r.yaml', doc }], { appId: 'app' });
    const store = new ComponentStore();
    store.add({ manifest: manifest('ps'), instance: broker });
    streaming = new StreamingSubscriptions({ store, logger: quiet, metadata, isStopping: () => false, resiliency: () => resiliency });
    const s = fakeSink();
    await streaming.open({ pubsubName: 'ps', topic: 'orders', metadata: {}, deadLetterTopic: 'dead' }, s.sink);
    const p = broker.deliver(event('r1'));
    for (let n = 1; n <= 3; n++) {
      await until(() => s.sent.length === n);
      s.ack('r1', 1);
    }
    await expect(p).resolves.toBe('drop');
    expect(s.sent).toHaveLength(3);
    expect(broker.published.map((m) => m.topic)).toEqual(['dead']);
  });
});
