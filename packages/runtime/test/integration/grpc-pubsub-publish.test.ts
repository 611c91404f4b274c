/**
 * Scenario (issue 15): publishing over gRPC to a spawned sidecar with pubsub.in-memory and an HTTP
 * subscriber app. A plain grpc-js client publishes (data + dataContentType, cloudevent.* overrides,
 * rawPayload, the caller's trace context) and bulk publishes on both RPC names; the app receives
 * the CloudEvents. Every check answers its daprd code and ErrorInfo reason; a sidecar without any
 * pub/sub answers FAILED_PRECONDITION. Then the official @dapr/dapr client in gRPC mode publishes
 * and bulk publishes.
 */
import { status } from '@grpc/grpc-js';
import { CommunicationProtocolEnum, DaprClient } from '@dapr/dapr';
import { componentYaml, startApp, startSidecar, stopAll, waitFor, type Sidecar, type TestApp } from '@minidapr/testkit';
import { daprGrpcClient, type DaprGrpcClient } from '../support/grpc';

jest.setTimeout(60000);

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TP = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

let app: TestApp;
let sidecar: Sidecar;
let bare: Sidecar;
let grpc: DaprGrpcClient;
let sdk: DaprClient;

interface Delivery {
  topic: string;
  event: Record<string, unknown>;
  contentType: string;
}

const deliveries = (): Delivery[] =>
  app.received
    .filter((r) => r.method === 'POST' && r.url.startsWith('/events/'))
    .map((r) => ({ topic: r.url.slice('/events/'.length), event: JSON.parse(r.body.toString()) as Record<string, unknown>, contentType: String(r.headers['content-type'] ?? '') }));

async function delivered(pred: (d: Delivery) => boolean, what: string): Promise<Delivery> {
  await waitFor(what, async () => deliveries().some(pred), { timeoutMs: 10000 });
  return deliveries().find(pred) as Delivery;
}

beforeAll(async () => {
  app = await startApp((r) => {
    if (r.method === 'GET' && r.url === '/dapr/subscribe') {
      const topics = ['orders', 'raw', 'bulk', 'sdk', 'sdkbulk'];
      const subs = topics.map((topic) => ({ pubsubname: 'pubsub', topic, route: `/events/${topic}`, ...(topic === 'raw' ? { metadata: { rawPayload: 'true' } } : {}) }));
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(subs) };
    }
    return { headers: { 'content-type': 'application/json' }, body: '{"status":"SUCCESS"}' };
  });
  [sidecar, bare] = await Promise.all([
    startSidecar({
      appId: 'publisher',
      appPort: app.port,
      resources: {
        'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory'),
        'scoped.yaml': componentYaml('scoped', 'pubsub.in-memory', { publishingScopes: 'publisher=allowed;other=' }),
      },
    }),
    startSidecar({ appId: 'bare' }),
  ]);
  grpc = daprGrpcClient(`127.0.0.1:${sidecar.grpcPort}`);
  sdk = new DaprClient({ daprHost: '127.0.0.1', daprPort: String(sidecar.grpcPort), communicationProtocol: CommunicationProtocolEnum.GRPC, logger: { level: 0 } as never });
  await sdk.start();
  await waitFor('the subscriptions', async () => {
    const meta = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { subscriptions?: unknown[] };
    return (meta.subscriptions?.length ?? 0) >= 5;
  }, { timeoutMs: 10000 });
});

afterAll(async () => {
  grpc?.close();
  await sdk?.stop();
  await Promise.all([sidecar?.stop(), bare?.stop()]);
  await app?.close();
  await stopAll();
});

describe('plain grpc-js client', () => {
  it('PublishEvent wraps JSON data in a CloudEvent with the caller trace; the subscriber gets it', async () => {
    const r = await grpc.call('PublishEvent', { pubsubName: 'pubsub', topic: 'orders', data: Buffer.from('{"orderId":42}'), dataContentType: 'application/json' }, { traceparent: TP });
    expect(r).toMatchObject({ res: {} });
    expect(r.err).toBeUndefined();
    const d = await delivered((x) => x.topic === 'orders' && (x.event.data as { orderId?: number })?.orderId === 42, 'the JSON event');
    expect(d.event).toMatchObject({ specversion: '1.0', source: 'publisher', topic: 'orders', pubsubname: 'pubsub', datacontenttype: 'application/json', type: 'com.dapr.event.sent' });
    expect(String(d.event.traceparent)).toContain(TRACE_ID);
  });

  it('text data, cloudevent.* overrides', async () => {
    await grpc.call('PublishEvent', {
      pubsubName: 'pubsub',
      topic: 'orders',
      data: Buffer.from('plain words'),
      dataContentType: 'text/plain',
      metadata: { 'cloudevent.id': 'custom-id', 'cloudevent.type': 'custom.type', 'cloudevent.source': 'custom-source' },
    });
    const d = await delivered((x) => x.event.id === 'custom-id', 'the overridden event');
    expect(d.event).toMatchObject({ type: 'custom.type', source: 'custom-source', data: 'plain words', datacontenttype: 'text/plain' });
  });

  it('rawPayload=true sends the bytes without an envelope (the raw subscription gets them)', async () => {
    await grpc.call('PublishEvent', { pubsubName: 'pubsub', topic: 'raw', data: Buffer.from('{"not":"wrapped"}'), dataContentType: 'application/json', metadata: { rawPayload: 'true' } });
    const d = await delivered((x) => x.topic === 'raw', 'the raw event');
    const body = d.event.data_base64 !== undefined ? JSON.parse(Buffer.from(String(d.event.data_base64), 'base64').toString()) : d.event.data ?? d.event;
    expect(body).toEqual({ not: 'wrapped' });
  });

  it.each(['BulkPublishEvent', 'BulkPublishEventAlpha1'])('%s publishes every entry (failedEntries empty)', async (rpc) => {
    const r = await grpc.call(rpc, {
      pubsubName: 'pubsub',
      topic: 'bulk',
      entries: [
        { entryId: '1', event: Buffer.from(`{"rpc":"${rpc}","n":1}`), contentType: 'application/json' },
        { entryId: '2', event: Buffer.from(`${rpc} two`), contentType: 'text/plain', metadata: { 'cloudevent.id': `${rpc}-2` } },
      ],
      metadata: {},
    });
    expect(r.err).toBeUndefined();
    expect(r.res).toEqual({ failedEntries: [] });
    await delivered((x) => x.topic === 'bulk' && (x.event.data as { rpc?: string })?.rpc === rpc, `${rpc} entry 1`);
    const two = await delivered((x) => x.event.id === `${rpc}-2`, `${rpc} entry 2`);
    expect(two.event.data).toBe(`${rpc} two`);
  });

  describe('errors', () => {
    const reasonOf = (e?: { details: Array<Record<string, unknown>> }) => e?.details[0]?.reason;

    it('PublishEvent and BulkPublishEvent checks answer daprd codes and reasons', async () => {
      const cases: Array<[Record<string, unknown>, number, string]> = [
        [{ pubsubName: '', topic: 'orders' }, status.INVALID_ARGUMENT, 'DAPR_PUBSUB_NAME_EMPTY'],
        [{ pubsubName: 'nope', topic: 'orders' }, status.INVALID_ARGUMENT, 'DAPR_PUBSUB_NOT_FOUND'],
        [{ pubsubName: 'pubsub', topic: '' }, status.INVALID_ARGUMENT, 'DAPR_PUBSUB_TOPIC_NAME_EMPTY'],
        [{ pubsubName: 'scoped', topic: 'other' }, status.PERMISSION_DENIED, 'DAPR_PUBSUB_FORBIDDEN'],
        [{ pubsubName: 'pubsub', topic: 'orders', metadata: { rawPayload: 'maybe' } }, status.INVALID_ARGUMENT, 'DAPR_PUBSUB_METADATA_DESERIALIZATION'],
      ];
      for (const rpc of ['PublishEvent', 'BulkPublishEvent', 'BulkPublishEventAlpha1']) {
        for (const [req, code, reason] of cases) {
          const body = rpc === 'PublishEvent' ? req : { ...req, entries: [{ entryId: '1', event: Buffer.from('x'), contentType: 'text/plain' }] };
          const r = await grpc.call(rpc, body);
          expect([rpc, req, r.err?.code, reasonOf(r.err)]).toEqual([rpc, req, code, reason]);
        }
      }
      const forbidden = await grpc.call('PublishEvent', { pubsubName: 'scoped', topic: 'other' });
      expect(forbidden.err?.message).toBe('topic other is not allowed for app id publisher');
      expect(forbidden.err?.detailTypes).toEqual(['google.rpc.ErrorInfo', 'google.rpc.ResourceInfo']);
      expect(forbidden.err?.details[1]).toMatchObject({ resourceType: 'pubsub', resourceName: 'scoped' });
      expect((await grpc.call('PublishEvent', { pubsubName: 'scoped', topic: 'allowed', data: Buffer.from('x') })).err).toBeUndefined();
    });

    it('an invalid CloudEvent body is INVALID_ARGUMENT (DAPR_PUBSUB_CLOUD_EVENT_CREATION)', async () => {
      const r = await grpc.call('PublishEvent', { pubsubName: 'pubsub', topic: 'orders', data: Buffer.from('{nope'), dataContentType: 'application/cloudevents+json' });
      expect(r.err?.code).toBe(status.INVALID_ARGUMENT);
      expect(reasonOf(r.err)).toBe('DAPR_PUBSUB_CLOUD_EVENT_CREATION');
    });

    it('bulk entries without an id or with a duplicate one: INVALID_ARGUMENT (DAPR_PUBSUB_MARSHAL_EVENTS)', async () => {
      for (const entries of [[{ event: Buffer.from('x') }], [{ entryId: 'a', event: Buffer.from('x') }, { entryId: 'a', event: Buffer.from('y') }]]) {
        const r = await grpc.call('BulkPublishEvent', { pubsubName: 'pubsub', topic: 'bulk', entries });
        expect(r.err?.code).toBe(status.INVALID_ARGUMENT);
        expect(reasonOf(r.err)).toBe('DAPR_PUBSUB_MARSHAL_EVENTS');
      }
    });

    it('no pub/sub at all: FAILED_PRECONDITION (DAPR_PUBSUB_NOT_CONFIGURED)', async () => {
      const c = daprGrpcClient(`127.0.0.1:${bare.grpcPort}`);
      try {
        for (const rpc of ['PublishEvent', 'BulkPublishEvent']) {
          const r = await c.call(rpc, { pubsubName: 'pubsub', topic: 'orders' });
          expect([rpc, r.err?.code, r.err?.message, reasonOf(r.err)]).toEqual([rpc, status.FAILED_PRECONDITION, 'no pubsub is configured', 'DAPR_PUBSUB_NOT_CONFIGURED']);
        }
      } finally {
        c.close();
      }
    });
  });
});

describe('official SDK client in gRPC mode', () => {
  it('client.pubsub.publish() delivers a JSON event', async () => {
    await sdk.pubsub.publish('pubsub', 'sdk', { from: 'sdk', n: 7 });
    const d = await delivered((x) => x.topic === 'sdk', 'the SDK event');
    expect(d.event).toMatchObject({ data: { from: 'sdk', n: 7 }, datacontenttype: 'application/json', source: 'publisher' });
  });

  it('client.pubsub.publishBulk() publishes every entry', async () => {
    const res = await sdk.pubsub.publishBulk('pubsub', 'sdkbulk', [{ n: 1 }, { n: 2 }, 'three']);
    expect(res.failedMessages).toEqual([]);
    await waitFor('three SDK bulk deliveries', async () => deliveries().filter((x) => x.topic === 'sdkbulk').length >= 3, { timeoutMs: 10000 });
    expect(deliveries().filter((x) => x.topic === 'sdkbulk').map((x) => x.event.data)).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }, 'three']));
  });

  it('a forbidden topic makes the SDK publish fail with the PERMISSION_DENIED message', async () => {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => {}); // the SDK logs the failure itself
    try {
      const err = (await sdk.pubsub.publish('scoped', 'other', { x: 1 }).catch((e: unknown) => e)) as { error?: Error };
      expect(String(err.error?.message)).toContain('[permission_denied] topic other is not allowed for app id publisher');
    } finally {
      quiet.mockRestore();
    }
  });
});
