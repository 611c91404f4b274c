/**
 * Scenario (issue 15): streaming subscriptions (SubscribeTopicEventsAlpha1) on a sidecar started
 * without an app port. A plain grpc-js client opens the stream and receives what is published over
 * HTTP and over gRPC; its answers drive the broker: SUCCESS acknowledges, RETRY redelivers, DROP
 * copies to the dead-letter topic; a stream closed with a message unanswered hands that message to
 * the next stream. GET /v1.0/metadata and GetMetadata list the stream as STREAMING while it is open.
 * Runs on the embedded pubsub.sqlite and on pubsub.redis (127.0.0.1:6379; skipped with a visible
 * SKIPPED line when Redis is not running, a failure under CI=true). Topic, stream and consumer
 * group names are unique to the run.
 */
import { CommunicationProtocolEnum, DaprClient, LogLevel } from '@dapr/dapr';
import { Client, credentials, loadPackageDefinition, Metadata, status, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { join } from 'node:path';
import { componentYaml, requireServiceSync, startSidecar, stopAll, tempDir, waitFor, type Sidecar } from '@minidapr/testkit';
import { loadDaprProtos, serviceDefinition, DAPR_SERVICE } from '../../src/api/grpc/proto';
import type { TopicEventRequestPb } from '../../src/pubsub/streaming';
import { deleteRedisKeys } from '../support/redis';

jest.setTimeout(90000);

const runId = `stream-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const skipRedis = requireServiceSync('Redis', '127.0.0.1', 6379);
const data = tempDir('minidapr-grpc-stream-');

type Callback = (err: ServiceError | null, res?: unknown) => void;
type DaprStub = Client & Record<string, (req: unknown, md: Metadata, cb: Callback) => void>;
type DaprCtor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => DaprStub;
const Dapr = (loadPackageDefinition(loadDaprProtos()) as unknown as { dapr: { proto: { runtime: { v1: { Dapr: DaprCtor } } } } }).dapr.proto.runtime.v1.Dapr;
const SUBSCRIBE = serviceDefinition(DAPR_SERVICE).SubscribeTopicEventsAlpha1 as unknown as {
  path: string;
  requestSerialize(v: unknown): Buffer;
  responseDeserialize(b: Buffer): ResponsePb;
};

interface ResponsePb {
  initialResponse?: Record<string, never> | null;
  eventMessage?: TopicEventRequestPb | null;
}

interface MetadataPb {
  subscriptions: Array<{ pubsubName: string; topic: string; type: number }>;
}

afterAll(async () => {
  await stopAll();
  data.remove();
  if (!skipRedis) await deleteRedisKeys(`${runId}*`);
});

interface Stream {
  call: ClientDuplexStream<unknown, ResponsePb>;
  events: TopicEventRequestPb[];
  ended: Promise<ServiceError | null>;
  ack(id: string, s: 0 | 1 | 2): void;
}

const BROKERS = [
  {
    name: 'pubsub.sqlite',
    skip: undefined as string | undefined,
    resources: () => ({
      'pubsub.yaml': componentYaml('pubsub', 'pubsub.sqlite', { connectionString: join(data.path, 'broker.db'), processingTimeout: '1s', redeliverInterval: '100ms' }),
    }),
  },
  {
    name: 'pubsub.redis',
    skip: skipRedis,
    resources: () => ({
      'pubsub.yaml': componentYaml('pubsub', 'pubsub.redis', { redisHost: '127.0.0.1:6379', consumerID: `${runId}-group`, processingTimeout: '1s', redeliverInterval: '200ms' }),
    }),
  },
];

describe.each(BROKERS)('streaming subscription on $name', ({ name, skip, resources }) => {
  const scenario = skip ? it.skip : it;
  const topic = (t: string) => `${runId}-${name.replace('pubsub.', '')}-${t}`;
  let sidecar: Sidecar;
  let client: DaprStub;
  const open: Stream[] = [];

  beforeAll(async () => {
    if (skip) return;
    sidecar = await startSidecar({ appId: `streamer-${name.replace('pubsub.', '')}`, resources: resources() });
    client = new Dapr(`127.0.0.1:${sidecar.grpcPort}`, credentials.createInsecure());
  });

  afterAll(async () => {
    for (const s of open) s.call.cancel();
    client?.close();
    await sidecar?.stop();
  });

  function rpc<T = unknown>(method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method]?.(req, new Metadata(), (err, res) => (err ? reject(err) : resolve(res as T))));
  }

  async function subscribe(t: string, deadLetterTopic?: string): Promise<Stream> {
    const call = client.makeBidiStreamRequest(SUBSCRIBE.path, SUBSCRIBE.requestSerialize, SUBSCRIBE.responseDeserialize, new Metadata());
    const events: TopicEventRequestPb[] = [];
    let initial = false;
    call.on('data', (m: ResponsePb) => {
      if (m.initialResponse) initial = true;
      else if (m.eventMessage) events.push(m.eventMessage);
    });
    const ended = new Promise<ServiceError | null>((resolve) => {
      call.on('error', (e: ServiceError) => resolve(e));
      call.on('status', (s) => s.code === status.OK && resolve(null));
    });
    call.write({ initialRequest: { pubsubName: 'pubsub', topic: t, metadata: {}, ...(deadLetterTopic ? { deadLetterTopic } : {}) } });
    const stream: Stream = { call, events, ended, ack: (id, s) => call.write({ eventProcessed: { id, status: { status: s } } }) };
    open.push(stream);
    await waitFor(`the initial response on ${t}`, () => initial, { timeoutMs: 10000 });
    return stream;
  }

  async function publishHttp(t: string, body: unknown): Promise<void> {
    const r = await fetch(`${sidecar.url}/v1.0/publish/pubsub/${t}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status).toBe(204);
  }

  function publishGrpc(t: string, body: unknown): Promise<unknown> {
    return rpc('PublishEvent', { pubsubName: 'pubsub', topic: t, data: Buffer.from(JSON.stringify(body)), dataContentType: 'application/json' });
  }

  async function httpSubscriptions(): Promise<Array<Record<string, unknown>>> {
    const m = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { subscriptions?: Array<Record<string, unknown>> };
    return m.subscriptions ?? [];
  }

  /**
   * Ends a stream (half-close: the sidecar reads every answer sent before it; 'cancel' cuts it
   * mid-way) and waits until the sidecar has let go of its subscription.
   */
  async function closeStream(s: Stream, t: string, how: 'end' | 'cancel' = 'end'): Promise<void> {
    if (how === 'end') {
      s.call.end();
      expect(await s.ended).toBeNull();
    } else {
      s.call.cancel();
    }
    await waitFor(`the sidecar to drop the subscription to ${t}`, async () => !(await httpSubscriptions()).some((x) => x.topic === t), { timeoutMs: 10000 });
  }

  const ev = (list: TopicEventRequestPb[], i: number): TopicEventRequestPb => {
    const e = list[i];
    if (!e) throw new Error(`no event ${i} (got ${list.length})`);
    return e;
  };
  const payload = (e: TopicEventRequestPb | undefined) => JSON.parse(Buffer.from(e?.data ?? '').toString()) as Record<string, unknown>;

  scenario('delivers what is published over HTTP and gRPC, lists the stream as STREAMING, and SUCCESS acknowledges', async () => {
    const t = topic('orders');
    const s = await subscribe(t);
    expect(await httpSubscriptions()).toContainEqual({ pubsubname: 'pubsub', topic: t, rules: [{ path: '/' }], deadLetterTopic: '', type: 'STREAMING' });
    const md = await rpc<MetadataPb>('GetMetadata', {});
    expect(md.subscriptions).toContainEqual(expect.objectContaining({ pubsubName: 'pubsub', topic: t, type: 3 }));

    await publishHttp(t, { via: 'http' });
    let grpcErr: ServiceError | undefined;
    await publishGrpc(t, { via: 'grpc' }).catch((e: ServiceError) => (grpcErr = e));
    const viaGrpc = grpcErr?.code !== status.UNIMPLEMENTED;
    if (!viaGrpc) process.stdout.write('SKIPPED (part): gRPC PublishEvent is not served on this branch yet; only the HTTP publish was checked\n');
    else expect(grpcErr).toBeUndefined();
    const expected = viaGrpc ? 2 : 1;
    await waitFor('the published events', () => s.events.length >= expected, { timeoutMs: 10000 });
    expect(s.events.map(payload).sort((a, b) => String(a.via).localeCompare(String(b.via)))).toEqual(viaGrpc ? [{ via: 'grpc' }, { via: 'http' }] : [{ via: 'http' }]);
    const first = ev(s.events, 0);
    expect(first).toMatchObject({ topic: t, pubsubName: 'pubsub', path: '/', specVersion: '1.0', type: 'com.dapr.event.sent', dataContentType: 'application/json' });
    expect(first.id).toMatch(/\S/);
    expect(first.extensions?.fields.traceparent?.stringValue).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    for (const e of s.events) s.ack(e.id, 0);

    // Acknowledged messages are not redelivered: a new stream's first event is a new marker.
    const seen = s.events.length;
    await closeStream(s, t);
    expect(s.events.length).toBe(seen);
    const next = await subscribe(t);
    await publishHttp(t, { via: 'marker' });
    await waitFor('the marker', () => next.events.length > 0, { timeoutMs: 10000 });
    expect(next.events.map(payload)).toEqual([{ via: 'marker' }]);
    next.ack(ev(next.events, 0).id, 0);
    await closeStream(next, t);
  });

  scenario('redelivers a message answered RETRY', async () => {
    const t = topic('retry');
    const s = await subscribe(t);
    await publishHttp(t, { n: 1 });
    await waitFor('the event', () => s.events.length === 1, { timeoutMs: 10000 });
    s.ack(ev(s.events, 0).id, 1);
    await waitFor('the redelivery', () => s.events.length === 2, { timeoutMs: 15000 });
    expect(ev(s.events, 1).id).toBe(ev(s.events, 0).id);
    expect(payload(ev(s.events, 1))).toEqual({ n: 1 });
    s.ack(ev(s.events, 1).id, 0);
    await closeStream(s, t);
  });

  scenario('copies a message answered DROP to the dead-letter topic', async () => {
    const t = topic('fragile');
    const dead = topic('dead');
    const poison = await subscribe(dead);
    const s = await subscribe(t, dead);
    expect(await httpSubscriptions()).toContainEqual(expect.objectContaining({ topic: t, deadLetterTopic: dead, type: 'STREAMING' }));
    await publishHttp(t, { bad: true });
    await waitFor('the event', () => s.events.length === 1, { timeoutMs: 10000 });
    s.ack(ev(s.events, 0).id, 2);
    await waitFor('the dead letter', () => poison.events.length === 1, { timeoutMs: 10000 });
    expect(ev(poison.events, 0)).toMatchObject({ id: ev(s.events, 0).id, topic: dead });
    expect(ev(poison.events, 0).extensions?.fields.topic?.stringValue).toBe(t);
    expect(payload(ev(poison.events, 0))).toEqual({ bad: true });
    poison.ack(ev(poison.events, 0).id, 0);
    await closeStream(s, t);
    await closeStream(poison, dead);
  });

  scenario('dead-letters a message after 5 RETRY answers', async () => {
    const t = topic('flaky');
    const dead = topic('flaky-dead');
    const poison = await subscribe(dead);
    const s = await subscribe(t, dead);
    await publishHttp(t, { n: 'flaky' });
    for (let i = 1; i <= 5; i++) {
      await waitFor(`delivery ${i}`, () => s.events.length === i, { timeoutMs: 15000 });
      s.ack(ev(s.events, i - 1).id, 1);
    }
    await waitFor('the dead letter', () => poison.events.length === 1, { timeoutMs: 15000 });
    expect(ev(poison.events, 0).id).toBe(ev(s.events, 0).id);
    poison.ack(ev(poison.events, 0).id, 0);
    expect(s.events).toHaveLength(5);
    await closeStream(s, t);
    await closeStream(poison, dead);
  });

  scenario('hands a message left unanswered by a closed stream to the next stream', async () => {
    const t = topic('handover');
    const first = await subscribe(t);
    await publishHttp(t, { n: 'handover' });
    await waitFor('the event', () => first.events.length === 1, { timeoutMs: 10000 });
    await closeStream(first, t, 'cancel');
    const second = await subscribe(t);
    await waitFor('the redelivery to the new stream', () => second.events.length >= 1, { timeoutMs: 20000 });
    expect(ev(second.events, 0).id).toBe(ev(first.events, 0).id);
    expect(payload(ev(second.events, 0))).toEqual({ n: 'handover' });
    second.ack(ev(second.events, 0).id, 0);
    await closeStream(second, t);
  });

  scenario('refuses a second stream on the same topic while the first is open', async () => {
    const t = topic('single');
    const s = await subscribe(t);
    const call = client.makeBidiStreamRequest(SUBSCRIBE.path, SUBSCRIBE.requestSerialize, SUBSCRIBE.responseDeserialize, new Metadata());
    const err = await new Promise<ServiceError>((resolve) => {
      call.on('data', () => undefined);
      call.on('error', resolve);
      call.write({ initialRequest: { pubsubName: 'pubsub', topic: t } });
    });
    expect([err.code, err.details]).toEqual([status.UNKNOWN, `streamer already subscribed to pubsub "pubsub" topic "${t}"`]);
    await closeStream(s, t);
  });

  scenario('ends open streams with OK when the sidecar shuts down', async () => {
    const s = await subscribe(topic('last'));
    await sidecar.stop();
    expect(await s.ended).toBeNull();
  });
});

/**
 * The official SDK (@dapr/dapr 3.18) has no streaming-subscribe helper; its documented way to any
 * Dapr RPC is `getClient()`, the ConnectRPC client it dials the sidecar with. Streaming through it
 * checks the bidi stream with the SDK's own HTTP/2 stack (not grpc-js).
 */
describe('streaming subscription through the official SDK client (ConnectRPC)', () => {
  interface SdkResponse {
    subscribeTopicEventsResponseType: { case?: 'initialResponse' | 'eventMessage'; value?: { id?: string; topic?: string; data?: Uint8Array } };
  }
  interface SdkDapr {
    subscribeTopicEventsAlpha1(requests: AsyncIterable<unknown>, options?: { signal?: AbortSignal }): AsyncIterable<SdkResponse>;
  }

  let sidecar: Sidecar;
  let client: DaprClient;

  beforeAll(async () => {
    sidecar = await startSidecar({ appId: 'streamer-sdk', resources: { 'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory') } });
    client = new DaprClient({ daprHost: '127.0.0.1', daprPort: String(sidecar.grpcPort), communicationProtocol: CommunicationProtocolEnum.GRPC, logger: { level: LogLevel.Error } });
  });

  afterAll(async () => {
    await client?.stop();
    await sidecar?.stop();
  });

  /** An async iterable the test pushes requests into. */
  function requestQueue() {
    const queued: unknown[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    return {
      push(m: unknown) {
        queued.push(m);
        wake?.();
      },
      close() {
        closed = true;
        wake?.();
      },
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (queued.length > 0) yield queued.shift();
          if (closed) return;
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
      },
    };
  }

  it('subscribes, receives an event published over HTTP, answers SUCCESS and ends cleanly', async () => {
    const raw = (await (client.daprClient as unknown as { getClient(): Promise<SdkDapr> }).getClient()) as SdkDapr;
    const requests = requestQueue();
    requests.push({ subscribeTopicEventsRequestType: { case: 'initialRequest', value: { pubsubName: 'pubsub', topic: 'sdk-orders' } } });
    const seen: SdkResponse['subscribeTopicEventsResponseType'][] = [];
    const reading = (async () => {
      for await (const res of raw.subscribeTopicEventsAlpha1(requests)) {
        seen.push(res.subscribeTopicEventsResponseType);
        const v = res.subscribeTopicEventsResponseType;
        if (v.case === 'eventMessage') {
          requests.push({ subscribeTopicEventsRequestType: { case: 'eventProcessed', value: { id: v.value?.id, status: { status: 0 } } } });
          requests.close();
        }
      }
    })();
    await waitFor('the initial response', () => seen.length > 0, { timeoutMs: 10000 });
    expect(seen[0]?.case).toBe('initialResponse');
    const r = await fetch(`${sidecar.url}/v1.0/publish/pubsub/sdk-orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"from":"sdk"}' });
    expect(r.status).toBe(204);
    await reading;
    const event = seen.find((s) => s.case === 'eventMessage')?.value;
    expect(event?.topic).toBe('sdk-orders');
    expect(JSON.parse(Buffer.from(event?.data ?? new Uint8Array()).toString())).toEqual({ from: 'sdk' });
  });
});
