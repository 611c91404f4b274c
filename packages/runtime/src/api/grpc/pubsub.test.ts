/**
 * The publish RPCs over a real grpc-js server and client: the CloudEvent envelope from data +
 * dataContentType (and rawPayload / cloudevent.* metadata), bulk publish with failedEntries as an
 * OK answer, and every check's gRPC code and details.
 */
import { status } from '@grpc/grpc-js';
import type { PubSub, PublishRequest } from '../../components/pubsub/contract';
import { ComponentStore } from '../../components/store';
import type { MetadataItem } from '../../components/types';
import type { Tracing } from '../../tracing/tracer';
import { serveModules, type Served } from '../../../test/support/grpc';
import { handlers } from './pubsub';

class Recorder implements PubSub {
  published: PublishRequest[] = [];
  failOn?: (data: string) => boolean;
  async init(): Promise<void> {}
  async close(): Promise<void> {}
  features(): readonly string[] {
    return [];
  }
  async publish(req: PublishRequest): Promise<void> {
    if (this.failOn?.(req.data.toString())) throw new Error('broker said no');
    this.published.push(req);
  }
  async subscribe(): Promise<() => Promise<void>> {
    return async () => {};
  }
}

function add(store: ComponentStore, name: string, instance: PubSub, metadata: MetadataItem[] = []): void {
  store.add({ manifest: { name, category: 'pubsub', type: 'pubsub.test', version: 'v1', metadata, ignoreErrors: false, initTimeoutMs: 1, scopes: [], file: `${name}.yaml` }, instance });
}

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let served: Served;
let ps: Recorder;

beforeAll(async () => {
  const store = new ComponentStore();
  ps = new Recorder();
  add(store, 'ps', ps, [{ name: 'publishingScopes', value: 'app=orders,other;x=' }, { name: 'protectedTopics', value: 'secret' }]);
  served = await serveModules(store, [handlers]);
});
afterAll(() => served.close());
beforeEach(() => {
  ps.published = [];
  ps.failOn = undefined;
});

const last = () => ps.published[ps.published.length - 1] as PublishRequest;
const event = () => JSON.parse(last().data.toString()) as Record<string, unknown>;

describe('PublishEvent', () => {
  it('wraps JSON data in a CloudEvent carrying the call trace context', async () => {
    const r = await served.client.call('PublishEvent', { pubsubName: 'ps', topic: 'orders', data: Buffer.from('{"id":1}'), dataContentType: 'application/json' }, { traceparent: TP });
    expect(r.err).toBeUndefined();
    expect(last().contentType).toBe('application/cloudevents+json');
    expect(event()).toMatchObject({ topic: 'orders', pubsubname: 'ps', source: 'app', datacontenttype: 'application/json', data: { id: 1 } });
    expect(String(event().traceparent)).toContain('0af7651916cd43dd8448eb211c80319c');
  });

  it('text without a content type is text/plain data; cloudevent.* metadata overrides fields', async () => {
    await served.client.call('PublishEvent', { pubsubName: 'ps', topic: 'orders', data: Buffer.from('hello'), metadata: { 'cloudevent.id': 'my-id', 'cloudevent.type': 'my.type' } });
    expect(event()).toMatchObject({ id: 'my-id', type: 'my.type', datacontenttype: 'text/plain', data: 'hello' });
  });

  it('rawPayload=true publishes the bytes as they are', async () => {
    await served.client.call('PublishEvent', { pubsubName: 'ps', topic: 'orders', data: Buffer.from([0, 1, 2]), dataContentType: 'application/octet-stream', metadata: { rawPayload: 'true' } });
    expect(last().data).toEqual(Buffer.from([0, 1, 2]));
    expect(last().metadata).toMatchObject({ rawPayload: 'true' });
  });

  it('answers each check with daprd code and details', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ pubsubName: '', topic: 'orders' }, status.INVALID_ARGUMENT, 'DAPR_PUBSUB_NAME_EMPTY'],
      [{ pubsubName: 'nope', topic: 'orders' }, status.INVALID_ARGUMENT, 'DAPR_PUBSUB_NOT_FOUND'],
      [{ pubsubName: 'ps', topic: '' }, status.INVALID_ARGUMENT, 'DAPR_PUBSUB_TOPIC_NAME_EMPTY'],
      [{ pubsubName: 'ps', topic: 'secret' }, status.PERMISSION_DENIED, 'DAPR_PUBSUB_FORBIDDEN'],
      [{ pubsubName: 'ps', topic: 'orders', metadata: { rawPayload: 'maybe' } }, status.INVALID_ARGUMENT, 'DAPR_PUBSUB_METADATA_DESERIALIZATION'],
      [{ pubsubName: 'ps', topic: 'orders', data: Buffer.from('{nope'), dataContentType: 'application/cloudevents+json' }, status.INVALID_ARGUMENT, 'DAPR_PUBSUB_CLOUD_EVENT_CREATION'],
    ];
    for (const [req, code, reason] of cases) {
      const r = await served.client.call('PublishEvent', req);
      expect([r.err?.code, (r.err?.details[0] as { reason?: string } | undefined)?.reason]).toEqual([code, reason]);
    }
    ps.failOn = () => true;
    const failed = await served.client.call('PublishEvent', { pubsubName: 'ps', topic: 'orders', data: Buffer.from('x') });
    expect(failed.err).toMatchObject({ code: status.INTERNAL, message: 'error when publishing to topic orders in pubsub ps: broker said no' });
    expect(failed.err?.details[0]).toMatchObject({ reason: 'DAPR_PUBSUB_PUBLISH_MESSAGE', metadata: { topic: 'orders', error: 'broker said no' } });
  });

  it('no pub/sub configured is FAILED_PRECONDITION', async () => {
    const empty = await serveModules(new ComponentStore(), [handlers]);
    try {
      const r = await empty.client.call('PublishEvent', { pubsubName: 'ps', topic: 'orders' });
      expect(r.err).toMatchObject({ code: status.FAILED_PRECONDITION, message: 'no pubsub is configured' });
      expect(r.err?.details[0]).toMatchObject({ reason: 'DAPR_PUBSUB_NOT_CONFIGURED' });
    } finally {
      empty.close();
    }
  });
});

describe('BulkPublishEvent / BulkPublishEventAlpha1', () => {
  const entries = [
    { entryId: '1', event: Buffer.from('{"n":1}'), contentType: 'application/json' },
    { entryId: '2', event: Buffer.from('two'), contentType: 'text/plain', metadata: { 'cloudevent.id': 'e2' } },
  ];

  it.each(['BulkPublishEvent', 'BulkPublishEventAlpha1'])('%s publishes every entry as a CloudEvent', async (rpc) => {
    const r = await served.client.call(rpc, { pubsubName: 'ps', topic: 'orders', entries });
    expect(r.res).toEqual({ failedEntries: [] });
    const events = ps.published.map((p) => JSON.parse(p.data.toString()) as Record<string, unknown>);
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ data: { n: 1 } }), expect.objectContaining({ id: 'e2', data: 'two' })]));
  });

  it('a partial failure is an OK answer listing the failed entries', async () => {
    ps.failOn = (d) => d.includes('"two"');
    const r = await served.client.call('BulkPublishEvent', { pubsubName: 'ps', topic: 'orders', entries });
    expect(r.err).toBeUndefined();
    expect(r.res.failedEntries).toEqual([{ entryId: '2', error: 'error when publishing to topic orders in pubsub ps: broker said no' }]);
    expect(ps.published).toHaveLength(1);
  });

  it('a missing or duplicated entry id is INVALID_ARGUMENT (DAPR_PUBSUB_MARSHAL_EVENTS) before anything is published', async () => {
    for (const bad of [[{ entryId: '', event: Buffer.from('x') }], [{ entryId: 'a', event: Buffer.from('x') }, { entryId: 'a', event: Buffer.from('y') }]]) {
      const r = await served.client.call('BulkPublishEvent', { pubsubName: 'ps', topic: 'orders', entries: bad });
      expect(r.err?.code).toBe(status.INVALID_ARGUMENT);
      expect(r.err?.details[0]).toMatchObject({ reason: 'DAPR_PUBSUB_MARSHAL_EVENTS' });
    }
    expect(ps.published).toHaveLength(0);
    expect((await served.client.call('BulkPublishEvent', { pubsubName: 'ps', topic: 'secret', entries })).err?.code).toBe(status.PERMISSION_DENIED);
  });
});

describe('tracing', () => {
  it('bulk publish: one PRODUCER span per CloudEvent entry, child of the API span, its context in that entry; ended with the outcome', async () => {
    const spans: Array<{ name: string; kind: string; parent?: string; traceparent: string; ended?: [number | undefined, string | undefined] }> = [];
    const tracing = {
      samplingRate: 1,
      start(name: string, kind: string, parent?: string) {
        const traceparent = `00-0af7651916cd43dd8448eb211c80319c-${String(spans.length + 1).padStart(16, '0')}-01`;
        const rec: (typeof spans)[number] = { name, kind, parent, traceparent };
        spans.push(rec);
        return { traceparent, recording: true, setName: () => {}, setAttributes: () => {}, end: (s?: number, e?: string) => void (rec.ended = [s, e]) };
      },
      flush: async () => {},
      shutdown: async () => {},
    } as unknown as Tracing;
    const store = new ComponentStore();
    const rec = new Recorder();
    add(store, 'ps', rec);
    const traced = await serveModules(store, [handlers], { tracing });
    try {
      const r = await traced.client.call('BulkPublishEvent', {
        pubsubName: 'ps',
        topic: 't',
        entries: [
          { entryId: 'a', event: Buffer.from('1'), contentType: 'text/plain' },
          { entryId: 'b', event: Buffer.from('2'), contentType: 'text/plain' },
          { entryId: 'raw', event: Buffer.from('3'), contentType: 'text/plain', metadata: { rawPayload: 'true' } },
        ],
      });
      expect(r.res).toEqual({ failedEntries: [] });
      const [api, ...producers] = spans;
      expect(api?.name).toBe('/dapr.proto.runtime.v1.Dapr/BulkPublishEvent');
      expect(producers.map((s) => [s.name, s.kind, s.parent, s.ended])).toEqual([
        ['/dapr.proto.runtime.v1.Dapr/BulkPublishEvent/', 'PRODUCER', api?.traceparent, [200, undefined]],
        ['/dapr.proto.runtime.v1.Dapr/BulkPublishEvent/', 'PRODUCER', api?.traceparent, [200, undefined]],
      ]);
      const byData = new Map(rec.published.filter((p) => p.contentType === 'application/cloudevents+json').map((p) => {
        const e = JSON.parse(p.data.toString()) as { data: string; traceparent: string };
        return [e.data, e.traceparent];
      }));
      expect([byData.get('1'), byData.get('2')].sort()).toEqual(producers.map((s) => s.traceparent).sort());
    } finally {
      traced.close();
    }
  });
});
