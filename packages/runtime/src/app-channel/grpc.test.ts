/** GrpcAppChannel against a fake AppCallback server (grpc-js on a free port). */
import { Metadata, Server, ServerCredentials, status, type ServerUnaryCall, type sendUnaryData, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { tempDir } from '@minidapr/testkit';
import { APP_CALLBACK, APP_CALLBACK_ALPHA, APP_CALLBACK_HEALTH, serviceDefinition } from '../api/grpc/proto';
import { AppChannel } from '../invoke/app-channel';
import { buildSubscription, type Subscription } from '../pubsub/subscriptions';
import { createRootMain } from '../security/create-root-main';
import { GrpcAppChannel, verdictForStatus } from './grpc';

const logger = pino({ level: 'silent' });
type Pb = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- decoded protobuf messages, checked field by field

interface Received {
  rpc: string;
  request: Pb;
  metadata: Metadata;
}

type Handler = (request: Pb, metadata: Metadata) => unknown | Promise<unknown>;

/** Answers each RPC with the handler set for it (an object, or a thrown {code, details}). */
class FakeApp {
  readonly received: Received[] = [];
  handlers: Record<string, Handler> = {};
  private server = new Server();
  port = 0;

  constructor(services: string[] = [APP_CALLBACK, APP_CALLBACK_ALPHA, APP_CALLBACK_HEALTH]) {
    for (const name of services) {
      const def = serviceDefinition(name);
      const impl: UntypedServiceImplementation = {};
      for (const rpc of Object.keys(def)) {
        impl[rpc] = (call: ServerUnaryCall<Pb, Pb>, cb: sendUnaryData<Pb>) => {
          this.received.push({ rpc, request: call.request, metadata: call.metadata });
          const h = this.handlers[rpc];
          if (!h) {
            cb({ code: status.UNIMPLEMENTED, details: `${rpc} not here` });
            return;
          }
          Promise.resolve()
            .then(() => h(call.request, call.metadata))
            .then(
              (res) => {
                const trailer = new Metadata();
                trailer.set('x-trailer', 't');
                const header = new Metadata();
                header.set('x-header', 'h');
                call.sendMetadata(header);
                cb(null, res ?? {}, trailer);
              },
              (err: { code: number; details: string; metadata?: Metadata }) => cb(err),
            );
        };
      }
      this.server.addService(def, impl);
    }
  }

  async start(creds = ServerCredentials.createInsecure()): Promise<this> {
    this.port = await new Promise<number>((resolve, reject) => this.server.bindAsync('127.0.0.1:0', creds, (err, port) => (err ? reject(err) : resolve(port))));
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }

  calls(rpc: string): Received[] {
    return this.received.filter((r) => r.rpc === rpc);
  }
}

function channelFor(port: number, extra: Partial<ConstructorParameters<typeof GrpcAppChannel>[0]> = {}): GrpcAppChannel {
  const limiter = new AppChannel({ protocol: 'http', address: '127.0.0.1', port, maxConcurrency: 0 });
  return new GrpcAppChannel({ address: '127.0.0.1', port, tls: false, appApiToken: 'app-secret', limiter, logger, ...extra });
}

const sub = (extra: Record<string, unknown> = {}): Subscription =>
  buildSubscription({ pubsubname: 'ps', topic: 'orders', routes: { rules: [{ match: 'event.type == "big"', path: 'big' }], default: 'orders' }, ...extra }, 'PROGRAMMATIC', 'test') as Subscription;

const cloudEvent = (extra: Record<string, unknown> = {}) => ({
  id: 'ev-1',
  source: 'checkout',
  type: 'com.dapr.event.sent',
  specversion: '1.0',
  datacontenttype: 'application/json',
  data: { z: 1, a: '<b>' },
  topic: 'orders',
  pubsubname: 'ps',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  ...extra,
});

let app: FakeApp;
let ch: GrpcAppChannel;
beforeEach(async () => {
  app = await new FakeApp().start();
  ch = channelFor(app.port);
});
afterEach(async () => {
  ch.close();
  await app.stop();
});

describe('OnTopicEvent', () => {
  const deliver = (event = cloudEvent(), s = sub()) =>
    ch.deliverEvent({ sub: s, path: '/orders', event, body: Buffer.from(JSON.stringify(event)), headers: { pubsubname: 'ps', traceparent: event.traceparent, 'content-type': 'application/cloudevents+json', 'content-length': 10, rk: 'v' } });

  it('sends the CloudEvent fields, Go-serialised data, the raw route, extensions and metadata', async () => {
    app.handlers.OnTopicEvent = () => ({ status: 0 });
    expect((await deliver()).verdict).toEqual({ result: 'success' });
    const [{ request, metadata }] = app.calls('OnTopicEvent') as [Received];
    expect(request).toMatchObject({ id: 'ev-1', source: 'checkout', type: 'com.dapr.event.sent', specVersion: '1.0', dataContentType: 'application/json', topic: 'orders', pubsubName: 'ps', path: 'orders' });
    expect(request.data.toString()).toBe('{"a":"\\u003cb\\u003e","z":1}');
    expect(Object.keys(request.extensions.fields).sort()).toEqual(['pubsubname', 'topic', 'traceparent']);
    expect(request.extensions.fields.topic.stringValue).toBe('orders');
    expect(metadata.get('dapr-api-token')).toEqual(['app-secret']);
    expect(metadata.get('pubsubname')).toEqual(['ps']);
    expect(metadata.get('rk')).toEqual(['v']);
    expect(metadata.get('traceparent')).toEqual(['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']);
    expect((metadata.get('grpc-trace-bin')[0] as Buffer).length).toBe(29);
  });

  it('routes by rule and keeps the path as the subscription gave it', async () => {
    app.handlers.OnTopicEvent = () => ({});
    await deliver(cloudEvent({ type: 'big' }));
    expect(app.calls('OnTopicEvent')[0]?.request.path).toBe('big');
  });

  it('decodes data_base64 and passes text data as is', async () => {
    app.handlers.OnTopicEvent = () => ({});
    const { data: _d, ...rest } = cloudEvent();
    await deliver({ ...rest, datacontenttype: 'application/octet-stream', data_base64: Buffer.from([1, 2, 3]).toString('base64') } as never);
    await deliver(cloudEvent({ datacontenttype: 'text/plain', data: 'hello' }));
    const [a, b] = app.calls('OnTopicEvent');
    expect([...(a?.request.data as Buffer)]).toEqual([1, 2, 3]);
    expect((b?.request.data as Buffer).toString()).toBe('hello');
    expect(await deliver(cloudEvent({ datacontenttype: 'text/plain', data: { no: 1 } }))).toEqual({ verdict: { result: 'retry', reason: 'unexpected data type encountered in envelope' } });
  });

  it.each([
    [{ status: 0 }, 'success'],
    [{}, 'success'],
    [{ status: 1 }, 'retry'],
    [{ status: 2 }, 'drop'],
    [{ status: 7 }, 'retry'],
  ])('maps %j to %s', async (answer, result) => {
    app.handlers.OnTopicEvent = () => answer;
    expect((await deliver()).verdict.result).toBe(result);
  });

  it('drops on UNIMPLEMENTED, retries on any other error and when the app is down', async () => {
    expect((await deliver()).verdict).toMatchObject({ result: 'drop' });
    app.handlers.OnTopicEvent = () => Promise.reject({ code: status.INTERNAL, details: 'boom' });
    expect((await deliver()).verdict).toMatchObject({ result: 'retry' });
    await app.stop();
    expect((await deliver()).verdict).toMatchObject({ result: 'retry' });
  });

  it('verdictForStatus treats an unset status as SUCCESS', () => {
    expect(verdictForStatus(undefined)).toEqual({ result: 'success' });
  });
});

describe('bulk', () => {
  const entries = (s: Subscription) =>
    ['e1', 'e2', 'e3'].map((entryId) => {
      const event = cloudEvent({ id: entryId });
      return { entryId, event, eventJson: Buffer.from(JSON.stringify(event)), contentType: 'application/cloudevents+json', metadata: { m: entryId } };
    }).map((e) => (s.metadata.rawPayload === 'true' ? { ...e, event: { ...e.event, data_base64: Buffer.from('raw-' + e.entryId).toString('base64') } } : e));

  it('calls OnBulkTopicEvent and maps each entry; missing entries retry, unknown ids are ignored', async () => {
    app.handlers.OnBulkTopicEvent = () => ({ statuses: [{ entryId: 'e1', status: 0 }, { entryId: 'e2', status: 2 }, { entryId: 'zz', status: 0 }] });
    const s = sub();
    const res = await ch.deliverBulk(s, 'orders', entries(s), { pubsubname: 'ps', 'content-type': 'application/json' });
    expect([...res.verdicts].map(([id, v]) => [id, v.result])).toEqual([['e1', 'success'], ['e2', 'drop'], ['e3', 'retry']]);
    const [{ request, metadata }] = app.calls('OnBulkTopicEvent') as [Received];
    expect(request).toMatchObject({ topic: 'orders', pubsubName: 'ps', type: 'com.dapr.event.sent.bulk', path: 'orders', metadata: { pubsubName: 'ps' } });
    expect(request.entries[0]).toMatchObject({ entryId: 'e1', contentType: 'application/cloudevents+json', metadata: { m: 'e1' }, event: 'cloudEvent' });
    expect(request.entries[0].cloudEvent.id).toBe('e1');
    expect(metadata.get('dapr-api-token')).toEqual(['app-secret']);
    expect(app.calls('OnBulkTopicEventAlpha1')).toHaveLength(0);
  });

  it('falls back to OnBulkTopicEventAlpha1 on UNIMPLEMENTED; sends raw payloads as bytes', async () => {
    app.handlers.OnBulkTopicEventAlpha1 = (req: { entries: Array<{ entryId: string }> }) => ({ statuses: req.entries.map((e) => ({ entryId: e.entryId, status: 0 })) });
    const s = sub({ metadata: { rawPayload: 'true' } });
    const res = await ch.deliverBulk(s, 'orders', entries(s), {});
    expect([...res.verdicts.values()].map((v) => v.result)).toEqual(['success', 'success', 'success']);
    expect(app.calls('OnBulkTopicEvent')).toHaveLength(1);
    const [{ request }] = app.calls('OnBulkTopicEventAlpha1') as [Received];
    expect(request.entries[1].event).toBe('bytes');
    expect(request.entries[1].bytes.toString()).toBe('raw-e2');
  });

  it('drops every entry when neither is implemented, retries every entry on other errors', async () => {
    const s = sub();
    expect([...(await ch.deliverBulk(s, 'orders', entries(s), {})).verdicts.values()].map((v) => v.result)).toEqual(['drop', 'drop', 'drop']);
    app.handlers.OnBulkTopicEvent = () => Promise.reject({ code: status.UNAVAILABLE, details: 'busy' });
    expect([...(await ch.deliverBulk(s, 'orders', entries(s), {})).verdicts.values()].map((v) => v.result)).toEqual(['retry', 'retry', 'retry']);
  });
});

describe('ListTopicSubscriptions', () => {
  it('maps routes, dead-letter topic, bulk settings and metadata to subscriptions', async () => {
    app.handlers.ListTopicSubscriptions = () => ({
      subscriptions: [
        {
          pubsubName: 'ps',
          topic: 'orders',
          metadata: { rawPayload: 'false' },
          routes: { rules: [{ match: 'event.type == "big"', path: 'big' }], default: 'orders' },
          deadLetterTopic: 'dead',
          bulkSubscribe: { enabled: true, maxMessagesCount: 10, maxAwaitDurationMs: 50 },
        },
        { pubsubName: 'ps', topic: 'plain' },
        { pubsubName: '', topic: 'bad', routes: { default: 'x' } },
      ],
    });
    const subs = await ch.listSubscriptions();
    expect(subs).toHaveLength(2);
    expect(subs[0]).toMatchObject({ pubsubname: 'ps', topic: 'orders', metadata: { rawPayload: 'false' }, deadLetterTopic: 'dead', bulkSubscribe: { enabled: true, maxMessagesCount: 10, maxAwaitDurationMs: 50 }, type: 'PROGRAMMATIC' });
    expect(subs[0]?.rules.map((r) => [r.match, r.path])).toEqual([['event.type == "big"', 'big'], ['', 'orders']]);
    expect(subs[1]?.rules.map((r) => [r.match, r.path])).toEqual([['', '']]);
    expect(subs[1]?.bulkSubscribe).toBeUndefined();
    expect(app.calls('ListTopicSubscriptions')[0]?.metadata.get('dapr-api-token')).toEqual(['app-secret']);
  });

  it('answers no subscriptions when the app does not implement it', async () => {
    expect(await ch.listSubscriptions()).toEqual([]);
    expect(app.calls('ListTopicSubscriptions')).toHaveLength(1);
  });
});

describe('bindings', () => {
  it('lists the input bindings (none when unimplemented)', async () => {
    expect(await ch.listInputBindings()).toEqual([]);
    app.handlers.ListInputBindings = () => ({ bindings: ['cron', 'queue'] });
    expect(await ch.listInputBindings()).toEqual(['cron', 'queue']);
  });

  it('delivers an event and hands the answer data back; `to` goes to output bindings in order', async () => {
    const sent: Array<[string, string]> = [];
    ch.close();
    ch = channelFor(app.port, { outputBinding: async (name, data) => void sent.push([name, data.toString()]) });
    app.handlers.OnBindingEvent = () => ({ data: Buffer.from('{"z":1,"a":2}'), to: ['out1', 'out2'], concurrency: 0 });
    const res = await ch.deliverBinding('cron', '/cron', Buffer.from('{"x":1}'), { k: 'v' }, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(res).toEqual({ ok: true, body: Buffer.from('{"z":1,"a":2}') });
    expect(sent).toEqual([['out1', '{"a":2,"z":1}'], ['out2', '{"a":2,"z":1}']]);
    const [{ request, metadata }] = app.calls('OnBindingEvent') as [Received];
    expect(request).toMatchObject({ name: 'cron', metadata: { k: 'v' } });
    expect(request.data.toString()).toBe('{"x":1}');
    expect(metadata.get('dapr-api-token')).toEqual(['app-secret']);
    expect(metadata.get('traceparent')).toHaveLength(1);
  });

  it('parallel `to` does not wait; a failed call is not ok', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    ch.close();
    ch = channelFor(app.port, { outputBinding: () => gate });
    app.handlers.OnBindingEvent = () => ({ data: Buffer.from('1'), to: ['out'], concurrency: 1 });
    expect((await ch.deliverBinding('cron', '/cron', Buffer.alloc(0), {}, {})).ok).toBe(true);
    release();
    app.handlers.OnBindingEvent = () => Promise.reject({ code: status.INTERNAL, details: 'nope' });
    const failed = await ch.deliverBinding('cron', '/cron', Buffer.alloc(0), {}, {});
    expect(failed.ok).toBe(false);
    expect(failed.error).toContain('OnBindingEvent failed: 13 INTERNAL: nope');
  });
});

describe('health and invocation', () => {
  it('probes with AppCallbackHealthCheck', async () => {
    const signal = AbortSignal.timeout(2000);
    expect(await ch.probe(signal)).toBe(false); // UNIMPLEMENTED
    app.handlers.HealthCheck = () => ({});
    expect(await ch.probe(signal)).toBe(true);
    expect(app.calls('HealthCheck')[1]?.metadata.get('dapr-api-token')).toEqual(['app-secret']);
    await app.stop();
    expect(await ch.probe(AbortSignal.timeout(500))).toBe(false);
  });

  it('invokes OnInvoke with the verb, query, data and HTTP headers as metadata', async () => {
    app.handlers.OnInvoke = () => ({ data: { typeUrl: '', value: Buffer.from('pong') }, contentType: 'text/plain' });
    const res = await ch.invoke({ method: 'ping', verb: 'PUT', query: 'a=1', contentType: 'application/json', body: Buffer.from('{}'), headers: { 'content-type': 'application/json', 'x-custom': 'c', 'user-agent': 'curl' } });
    expect(res).toMatchObject({ status: 200, body: Buffer.from('pong'), grpc: { code: 0 } });
    expect(res.headers).toMatchObject({ 'content-type': 'text/plain', 'x-header': 'h', 'x-trailer': 't' });
    const [{ request, metadata }] = app.calls('OnInvoke') as [Received];
    expect(request).toMatchObject({ method: 'ping', contentType: 'application/json', httpExtension: { verb: 4, querystring: 'a=1' } });
    expect(request.data.value.toString()).toBe('{}');
    expect(metadata.get('x-custom')).toEqual(['c']);
    expect(metadata.get('dapr-content-type')).toEqual(['application/json']);
    expect(metadata.get('dapr-user-agent')).toEqual(['curl']);
  });

  it('relays the app status of a failed invocation', async () => {
    app.handlers.OnInvoke = () => Promise.reject({ code: status.NOT_FOUND, details: 'no such order' });
    const res = await ch.invoke({ method: 'x', verb: 'GET', query: '', body: Buffer.alloc(0), headers: {} });
    expect(res).toMatchObject({ status: 404, grpc: { code: status.NOT_FOUND, message: 'no such order' } });
    expect(JSON.parse(res.body.toString())).toEqual({ code: 5, message: 'no such order' });
  });
});

describe('grpcs and --app-max-concurrency', () => {
  it('talks TLS to an app with a certificate it does not verify', async () => {
    const tmp = tempDir('grpcs-');
    try {
      expect(await createRootMain(['--out', tmp.path], tmp.path, { out: () => {}, err: () => {} })).toBe(0);
      const tls = new FakeApp([APP_CALLBACK_HEALTH]);
      tls.handlers.HealthCheck = () => ({});
      await tls.start(ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(join(tmp.path, 'issuer.crt')), private_key: readFileSync(join(tmp.path, 'issuer.key')) }]));
      const insecure = channelFor(tls.port);
      const secure = channelFor(tls.port, { tls: true });
      try {
        expect(await secure.probe(AbortSignal.timeout(3000))).toBe(true);
        expect(await insecure.probe(AbortSignal.timeout(1000))).toBe(false);
      } finally {
        secure.close();
        insecure.close();
        await tls.stop();
      }
    } finally {
      tmp.remove();
    }
  });

  it('shares the app channel limiter', async () => {
    const limiter = new AppChannel({ protocol: 'http', address: '127.0.0.1', port: app.port, maxConcurrency: 1 });
    const limited = new GrpcAppChannel({ address: '127.0.0.1', port: app.port, tls: false, limiter, logger });
    const release = await limited.acquire();
    expect(limiter.usage).toEqual({ active: 1, waiting: 0 });
    const second = limited.acquire();
    expect(limiter.usage.waiting).toBe(1);
    release();
    (await second)();
    expect(limiter.usage).toEqual({ active: 0, waiting: 0 });
    limited.close();
  });
});
