import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import type { PubSub, PublishRequest } from '../components/pubsub/contract';
import type { ComponentManifest, MetadataItem } from '../components/types';
import { parseScopedTopics } from '../components/settings';
import { createTracing, type Tracing } from '../tracing/tracer';
import { paramsAsSent } from './router';
import { build as buildApp, type Built as AppFixture } from '../../test/support/app';

class FakePubSub implements PubSub {
  readonly published: PublishRequest[] = [];
  failWith?: (req: PublishRequest) => Error | undefined;
  constructor(private readonly feats: string[] = []) {}
  async init(): Promise<void> {}
  async close(): Promise<void> {}
  features(): readonly string[] {
    return this.feats;
  }
  async publish(req: PublishRequest): Promise<void> {
    const err = this.failWith?.(req);
    if (err) throw err;
    this.published.push(req);
  }
  async subscribe(): Promise<() => Promise<void>> {
    return async () => {};
  }
}

function manifest(name: string, metadata: MetadataItem[] = []): ComponentManifest {
  return { name, category: 'pubsub', type: 'pubsub.fake', version: 'v1', metadata, ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: 'test.yaml' };
}

interface Built {
  app: AppFixture['app'];
  broker: FakePubSub;
}

function build(opts: { appId?: string; metadata?: MetadataItem[]; withPubsub?: boolean; features?: string[]; tracing?: Tracing } = {}): Built {
  const b = buildApp(['--app-id', opts.appId ?? 'checkout'], {}, false);
  if (opts.tracing) b.deps.tracing = opts.tracing;
  const broker = new FakePubSub(opts.features);
  if (opts.withPubsub !== false) b.deps.store.add({ manifest: manifest('orderpubsub', opts.metadata), instance: broker });
  return { app: b.app, broker };
}

function event(p: PublishRequest): Record<string, unknown> {
  return JSON.parse(p.data.toString('utf8')) as Record<string, unknown>;
}

describe('PublishEvent', () => {
  it('wraps the body in a CloudEvent and answers 204 (POST and PUT)', async () => {
    const b = build();
    await request(b.app).post('/v1.0/publish/orderpubsub/orders').set('content-type', 'application/json').send('{"orderId":1}').expect(204, '');
    await request(b.app).put('/v1.0/publish/orderpubsub/orders').set('content-type', 'text/plain').send('hi').expect(204);
    expect(b.broker.published).toHaveLength(2);
    const [first, second] = b.broker.published as [PublishRequest, PublishRequest];
    expect(first.topic).toBe('orders');
    expect(first.contentType).toBe('application/cloudevents+json');
    expect(event(first)).toMatchObject({ data: { orderId: 1 }, datacontenttype: 'application/json', source: 'checkout', pubsubname: 'orderpubsub', topic: 'orders', type: 'com.dapr.event.sent', specversion: '1.0' });
    expect(event(second).data).toBe('hi');
  });

  it('accepts topics with slashes and escapes', async () => {
    const b = build();
    await request(b.app).post('/v1.0/publish/orderpubsub/a/b%2Fc/d%20e').send('x').expect(204);
    expect(b.broker.published[0]?.topic).toBe('a/b/c/d e');
    expect(event(b.broker.published[0] as PublishRequest).topic).toBe('a/b/c/d e');
  });

  it('uses the incoming traceparent for traceid and traceparent', async () => {
    const b = build();
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await request(b.app).post('/v1.0/publish/orderpubsub/orders').set('traceparent', tp).send('x').expect(204);
    expect(event(b.broker.published[0] as PublishRequest)).toMatchObject({ traceid: tp, traceparent: tp });
  });

  it('passes metadata.* to the component and applies cloudevent overrides', async () => {
    const b = build();
    await request(b.app).post('/v1.0/publish/orderpubsub/orders?metadata.cloudevent.id=abc&metadata.key=v&other=1').send('x').expect(204);
    const p = b.broker.published[0] as PublishRequest;
    expect(p.metadata).toEqual({ 'cloudevent.id': 'abc', key: 'v' });
    expect(event(p).id).toBe('abc');
  });

  it('publishes rawPayload bodies untouched', async () => {
    const b = build();
    await request(b.app).post('/v1.0/publish/orderpubsub/orders?metadata.rawPayload=true').set('content-type', 'application/octet-stream').send(Buffer.from([1, 2, 3])).expect(204);
    expect(b.broker.published[0]).toMatchObject({ contentType: 'application/octet-stream', data: Buffer.from([1, 2, 3]) });
  });

  it('adds expiration only when the component lacks MESSAGE_TTL', async () => {
    const plain = build();
    await request(plain.app).post('/v1.0/publish/orderpubsub/orders?metadata.ttlInSeconds=30').send('x').expect(204);
    expect(typeof event(plain.broker.published[0] as PublishRequest).expiration).toBe('string');
    const ttl = build({ features: ['MESSAGE_TTL'] });
    await request(ttl.app).post('/v1.0/publish/orderpubsub/orders?metadata.ttlInSeconds=30').send('x').expect(204);
    expect('expiration' in event(ttl.broker.published[0] as PublishRequest)).toBe(false);
    expect(ttl.broker.published[0]?.metadata).toEqual({ ttlInSeconds: '30' });
  });
});

describe('PublishEvent errors', () => {
  it('400 ERR_PUBSUB_NOT_CONFIGURED without any pub/sub', async () => {
    const r = await request(build({ withPubsub: false }).app).post('/v1.0/publish/orderpubsub/orders').send('x').expect(400);
    expect(r.body.errorCode).toBe('ERR_PUBSUB_NOT_CONFIGURED');
    expect(r.body.details[0].reason).toBe('DAPR_PUBSUB_NOT_CONFIGURED');
  });

  it('404 ERR_PUBSUB_NOT_FOUND with the request metadata in ErrorInfo and no ResourceInfo', async () => {
    const r = await request(build().app).post('/v1.0/publish/nope/orders?metadata.a=b').send('x').expect(404);
    expect(r.body).toEqual({
      errorCode: 'ERR_PUBSUB_NOT_FOUND',
      message: 'pubsub nope is not found',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', domain: 'dapr.io', metadata: { a: 'b' }, reason: 'DAPR_PUBSUB_NOT_FOUND' }],
    });
  });

  it('404 ERR_PUBSUB_EMPTY for an empty pub/sub segment', async () => {
    const b = build();
    expect((await request(b.app).post('/v1.0/publish//orders').send('x').expect(404)).body.errorCode).toBe('ERR_PUBSUB_EMPTY');
    expect((await request(b.app).post('/v1.0/publish//orders/more').send('x').expect(404)).body.errorCode).toBe('ERR_PUBSUB_EMPTY');
    expect(b.broker.published).toEqual([]);
  });

  it.each(['/v1.0/publish/orderpubsub', '/v1.0/publish/orderpubsub/', '/v1.0/publish/orderpubsub//'])('404 ERR_TOPIC_NAME_EMPTY for %s', async (path) => {
    const r = await request(build().app).post(path).send('x').expect(404);
    expect(r.body.errorCode).toBe('ERR_TOPIC_NAME_EMPTY');
  });

  it('400 ERR_PUBSUB_REQUEST_METADATA for a non-bool rawPayload', async () => {
    const r = await request(build().app).post('/v1.0/publish/orderpubsub/orders?metadata.rawPayload=maybe').send('x').expect(400);
    expect(r.body.errorCode).toBe('ERR_PUBSUB_REQUEST_METADATA');
  });

  it('500 ERR_PUBSUB_CLOUD_EVENTS_SER for an invalid cloudevents+json body', async () => {
    const r = await request(build().app).post('/v1.0/publish/orderpubsub/orders').set('content-type', 'application/cloudevents+json').send('{oops').expect(500);
    expect(r.body.errorCode).toBe('ERR_PUBSUB_CLOUD_EVENTS_SER');
  });

  it('passes a valid cloudevents+json body through', async () => {
    const b = build();
    await request(b.app).post('/v1.0/publish/orderpubsub/orders').set('content-type', 'application/cloudevents+json').send('{"id":"x","data":1}').expect(204);
    expect(event(b.broker.published[0] as PublishRequest)).toMatchObject({ id: 'x', data: 1, topic: 'orders', source: 'Dapr' });
  });

  it('500 ERR_PUBSUB_PUBLISH_MESSAGE naming topic and pub/sub when the broker fails', async () => {
    const b = build();
    b.broker.failWith = () => new Error('broker down');
    const r = await request(b.app).post('/v1.0/publish/orderpubsub/orders').send('x').expect(500);
    expect(r.body.errorCode).toBe('ERR_PUBSUB_PUBLISH_MESSAGE');
    expect(r.body.message).toContain('orders');
    expect(r.body.message).toContain('orderpubsub');
    expect(r.body.details[0]).toMatchObject({ reason: 'DAPR_PUBSUB_PUBLISH_MESSAGE', metadata: { error: 'broker down', topic: 'orders' } });
    expect(r.body.details[1]).toMatchObject({ resource_type: 'pubsub', resource_name: 'orderpubsub' });
  });

  it('only accepts POST and PUT (other verbs fall through to invocation)', async () => {
    const r = await request(build().app).get('/v1.0/publish/orderpubsub/orders').expect(404);
    expect(r.body.errorCode).toBe('ERR_DIRECT_INVOKE');
  });
});

describe('publish scoping', () => {
  const scoped = (appId: string, metadata: MetadataItem[]) => build({ appId, metadata });
  const status = async (b: Built, topic: string): Promise<number> => (await request(b.app).post(`/v1.0/publish/orderpubsub/${topic}`).send('x')).status;

  it('publishingScopes limits listed apps; `app=` allows nothing; unlisted apps are free', async () => {
    const meta = [{ name: 'publishingScopes', value: 'app1=topicA,topicB;app2=' }];
    expect([await status(scoped('app1', meta), 'topicA'), await status(scoped('app1', meta), 'topicC')]).toEqual([204, 403]);
    expect(await status(scoped('app2', meta), 'topicA')).toBe(403);
    expect(await status(scoped('app3', meta), 'topicC')).toBe(204);
  });

  it('allowedTopics denies every other topic', async () => {
    const b = scoped('app1', [{ name: 'allowedTopics', value: 'topicA, topicB' }]);
    expect([await status(b, 'topicB'), await status(b, 'topicZ')]).toEqual([204, 403]);
  });

  it('protectedTopics need an explicit publishing scope', async () => {
    const meta = [
      { name: 'protectedTopics', value: 'secret' },
      { name: 'publishingScopes', value: 'app1=secret' },
    ];
    expect([await status(scoped('app1', meta), 'secret'), await status(scoped('app2', meta), 'secret'), await status(scoped('app2', meta), 'open')]).toEqual([204, 403, 204]);
  });

  it('answers 403 ERR_PUBSUB_FORBIDDEN naming topic and app id', async () => {
    const b = scoped('app2', [{ name: 'publishingScopes', value: 'app2=' }]);
    const r = await request(b.app).post('/v1.0/publish/orderpubsub/orders').send('x').expect(403);
    expect(r.body.errorCode).toBe('ERR_PUBSUB_FORBIDDEN');
    expect(r.body.message).toBe('topic orders is not allowed for app id app2');
    expect(b.broker.published).toEqual([]);
  });
});

describe('BulkPublishEvent', () => {
  const entries = [
    { entryId: '1', event: { a: 1 }, contentType: 'application/json' },
    { entryId: '2', event: 'hello', contentType: 'text/plain', metadata: { k: 'entry' } },
    { entryId: '3', event: Buffer.from([9, 8]).toString('base64'), contentType: 'application/octet-stream' },
    { entryId: '4', event: { id: 'ce', data: 2 }, contentType: 'application/cloudevents+json' },
  ];

  it.each(['/v1.0-alpha1/publish/bulk', '/v1.0/publish/bulk'])('%s wraps each entry per its content type → 204', async (prefix) => {
    const b = build();
    await request(b.app).post(`${prefix}/orderpubsub/orders?metadata.k=req&metadata.r=1`).send(entries).expect(204, '');
    expect(b.broker.published).toHaveLength(4);
    const byData = b.broker.published.map(event);
    expect(byData[0]).toMatchObject({ data: { a: 1 }, datacontenttype: 'application/json', topic: 'orders' });
    expect(byData[1]).toMatchObject({ data: 'hello', datacontenttype: 'text/plain' });
    expect(byData[2]).toMatchObject({ data_base64: Buffer.from([9, 8]).toString('base64') });
    expect(byData[3]).toMatchObject({ id: 'ce', data: 2, pubsubname: 'orderpubsub' });
    expect(b.broker.published[0]?.metadata).toEqual({ k: 'req', r: '1' });
    expect(b.broker.published[1]?.metadata).toEqual({ k: 'entry', r: '1' });
  });

  it('keeps big integers of JSON events exact', async () => {
    const b = build();
    const body = '[{"entryId":"1","event":{"n":12345678901234567890},"contentType":"application/json"}]';
    await request(b.app).post('/v1.0/publish/bulk/orderpubsub/orders').set('content-type', 'application/json').send(body).expect(204);
    expect(b.broker.published[0]?.data.toString()).toContain('"data":{"n":12345678901234567890}');
  });

  it('answers 500 with failedEntries for entries the broker refused', async () => {
    const b = build();
    b.broker.failWith = (req) => (event(req).data === 'hello' ? new Error('nope') : undefined);
    const r = await request(b.app).put('/v1.0-alpha1/publish/bulk/orderpubsub/orders').send(entries).expect(500);
    expect(Object.keys(r.body)).toEqual(['failedEntries', 'errorCode']);
    expect(r.body.errorCode).toBe('ERR_PUBSUB_PUBLISH_MESSAGE');
    expect(r.body.failedEntries).toEqual([{ entryId: '2', error: expect.stringContaining('nope') }]);
    expect(b.broker.published).toHaveLength(3);
  });

  it.each([
    ['duplicate entryId', [{ entryId: '1', event: 'a', contentType: 'text/plain' }, { entryId: '1', event: 'b', contentType: 'text/plain' }]],
    ['missing entryId', [{ event: 'a', contentType: 'text/plain' }]],
    ['object event for text/plain', [{ entryId: '1', event: { a: 1 }, contentType: 'text/plain' }]],
    ['non-base64 octet-stream', [{ entryId: '1', event: '***', contentType: 'application/octet-stream' }]],
    ['unknown content type', [{ entryId: '1', event: 'a', contentType: 'application/vnd.x' }]],
    ['missing content type', [{ entryId: '1', event: 'a' }]],
    ['not an array', { entryId: '1' }],
  ])('400 ERR_PUBSUB_EVENTS_SER for %s', async (_name, body) => {
    const b = build();
    const r = await request(b.app).post('/v1.0-alpha1/publish/bulk/orderpubsub/orders').send(body as object).expect(400);
    expect(r.body.errorCode).toBe('ERR_PUBSUB_EVENTS_SER');
    expect(b.broker.published).toEqual([]);
  });

  it('400 ERR_PUBSUB_EVENTS_SER for malformed JSON', async () => {
    const r = await request(build().app).post('/v1.0-alpha1/publish/bulk/orderpubsub/orders').set('content-type', 'application/json').send('[{').expect(400);
    expect(r.body.errorCode).toBe('ERR_PUBSUB_EVENTS_SER');
  });

  it('uses the normal error body for lookup, empty and forbidden errors', async () => {
    const b = build({ appId: 'app2', metadata: [{ name: 'publishingScopes', value: 'app2=' }] });
    expect((await request(b.app).post('/v1.0-alpha1/publish/bulk/nope/orders').send([]).expect(404)).body.errorCode).toBe('ERR_PUBSUB_NOT_FOUND');
    expect((await request(b.app).post('/v1.0-alpha1/publish/bulk//orders').send([]).expect(404)).body.errorCode).toBe('ERR_PUBSUB_EMPTY');
    expect((await request(b.app).post('/v1.0/publish/bulk/orderpubsub').send([]).expect(404)).body.errorCode).toBe('ERR_TOPIC_NAME_EMPTY');
    expect((await request(b.app).post('/v1.0/publish/bulk/orderpubsub/orders').send([]).expect(403)).body.errorCode).toBe('ERR_PUBSUB_FORBIDDEN');
    const none = build({ withPubsub: false });
    expect((await request(none.app).post('/v1.0/publish/bulk/orderpubsub/orders').send([]).expect(400)).body.errorCode).toBe('ERR_PUBSUB_NOT_CONFIGURED');
  });

  it('rejects a non-bool rawPayload in entry metadata', async () => {
    const body = [{ entryId: '1', event: 'a', contentType: 'text/plain', metadata: { rawPayload: 'sure' } }];
    const r = await request(build().app).post('/v1.0/publish/bulk/orderpubsub/orders').send(body).expect(400);
    expect(r.body.errorCode).toBe('ERR_PUBSUB_REQUEST_METADATA');
  });
});

describe('BulkPublishEvent tracing (daprd: a PRODUCER child span per CloudEvent entry)', () => {
  const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const entries = [
    { entryId: '1', event: { a: 1 }, contentType: 'application/json' },
    { entryId: '2', event: 'hello', contentType: 'text/plain' },
    { entryId: '3', event: 'raw bytes', contentType: 'text/plain', metadata: { rawPayload: 'true' } },
  ];
  let spans: ReadableSpan[];
  let tracing: Tracing;

  beforeEach(() => {
    spans = [];
    const exporter = {
      export(s: ReadableSpan[], done: (r: ExportResult) => void) {
        spans.push(...s);
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => undefined,
    };
    tracing = createTracing({ appId: 'checkout', config: { samplingRate: 1, stdout: false }, metrics: { dropped: () => undefined, exported: () => undefined }, exporters: [exporter] }) as Tracing;
  });
  afterEach(() => tracing.shutdown());

  /** Flushes until `n` spans are exported (entry spans end when the response closes). */
  async function exported(n: number): Promise<ReadableSpan[]> {
    const deadline = Date.now() + 5000;
    while (spans.length < n) {
      if (Date.now() > deadline) throw new Error(`${spans.length} of ${n} spans exported`);
      await tracing.flush();
      await new Promise((r) => setTimeout(r, 5));
    }
    return spans;
  }

  it("gives each CloudEvent its own span's context; the entry spans are children of the API call's span", async () => {
    const b = build({ tracing });
    await request(b.app).post('/v1.0-alpha1/publish/bulk/orderpubsub/orders').set('traceparent', PARENT).send(entries).expect(204);
    const all = await exported(3);
    const api = all.find((s) => s.parentSpanContext?.spanId === 'b7ad6b7169203331');
    const children = all.filter((s) => s !== api);
    expect(api?.kind).toBe(SpanKind.PRODUCER);
    expect(api?.attributes).toMatchObject({ 'messaging.system': 'pubsub', 'messaging.destination': 'orders', 'dapr.pubsub': 'orderpubsub' });
    expect(children).toHaveLength(2); // the raw-payload entry has no CloudEvent, so no span (as daprd)
    for (const c of children) {
      expect(c.name).toBe('/v1.0-alpha1/publish/bulk/orderpubsub/orders');
      expect(c.kind).toBe(SpanKind.PRODUCER);
      expect(c.parentSpanContext?.spanId).toBe(api?.spanContext().spanId);
      expect(c.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(c.status.code).toBe(SpanStatusCode.UNSET);
    }
    const carried = b.broker.published.slice(0, 2).map((p) => event(p).traceparent);
    expect(new Set(carried)).toEqual(new Set(children.map((c) => `00-${c.spanContext().traceId}-${c.spanContext().spanId}-01`)));
    expect(event(b.broker.published[0] as PublishRequest).traceid).toBe(carried[0]);
    expect(b.broker.published[2]?.data.toString()).toBe('raw bytes');
  });

  it('ends the entry spans with the answer: failed entries make them errors', async () => {
    const b = build({ tracing });
    b.broker.failWith = (req) => (req.data.toString().includes('hello') ? new Error('nope') : undefined);
    await request(b.app).post('/v1.0/publish/bulk/orderpubsub/orders').set('traceparent', PARENT).send(entries.slice(0, 2)).expect(500);
    const children = (await exported(3)).filter((s) => s.parentSpanContext?.spanId !== 'b7ad6b7169203331');
    expect(children.map((c) => c.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR]);
  });

  it('without a tracer every entry carries the request context as before', async () => {
    const b = build();
    await request(b.app).post('/v1.0/publish/bulk/orderpubsub/orders').set('traceparent', PARENT).send(entries.slice(0, 2)).expect(204);
    expect(b.broker.published.map((p) => event(p).traceparent)).toEqual([PARENT, PARENT]);
  });
});

describe('path and scope helpers', () => {
  const single = '/v1.0/publish/:pubsubname/*topic';
  const bulk = '/v1.0-alpha1/publish/bulk/:pubsubname/*topic';
  it.each([
    ['/v1.0/publish/p/t', '/v1.0/publish/p/t', single, { pubsubname: 'p', topic: 't' }],
    ['//v1.0/publish/p/a/b', '/v1.0/publish/p/a/b', single, { pubsubname: 'p', topic: 'a/b' }],
    ['/v1.0/publish//t', '/v1.0/publish/t', single, { pubsubname: '', topic: 't' }],
    ['/v1.0/publish/p/t/', '/v1.0/publish/p/t', single, { pubsubname: 'p', topic: 't' }],
    ['/v1.0/publish/x/../p/t', '/v1.0/publish/p/t', single, { pubsubname: 'p', topic: 't' }],
    ['/v1.0-alpha1/publish/bulk/p%20q/a%2Fb', '/v1.0-alpha1/publish/bulk/p%20q/a%2Fb', bulk, { pubsubname: 'p q', topic: 'a/b' }],
  ])('paramsAsSent(%s)', (raw, cleaned, pattern, want) => {
    expect(paramsAsSent(pattern, raw, cleaned)).toEqual(want);
  });

  it('parseScopedTopics reads `app=t1,t2;app2=`', () => {
    expect(parseScopedTopics('a=t1, t2;b=').get('a')).toEqual(['t1', 't2']);
    expect(parseScopedTopics('a=t1;b=').get('b')).toEqual(['']);
    expect(parseScopedTopics('a=t1').get('c')).toBeUndefined();
    expect(parseScopedTopics(undefined).size).toBe(0);
  });
});
