/**
 * Scenario: issue 5's publish acceptance over a spawned sidecar with pubsub.in-memory: publish and
 * bulk publish answer 204 with an empty body; an unknown pub/sub, an empty name or topic segment, a
 * non-bool rawPayload, an invalid CloudEvent body and a topic denied by publishingScopes answer with
 * the documented rich errors. (Delivery to apps is covered by the subscription scenarios.)
 */
import { componentYaml, startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

let sidecar: Sidecar;

beforeAll(async () => {
  sidecar = await startSidecar({
    appId: 'checkout',
    resources: {
      'pubsub.yaml': componentYaml('orderpubsub', 'pubsub.in-memory'),
      'scoped.yaml': componentYaml('scopedpubsub', 'pubsub.in-memory', { publishingScopes: 'checkout=allowed;other=' }),
    },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
});

interface Answer {
  status: number;
  body: string;
}

async function send(path: string, body: string, contentType?: string, method = 'POST'): Promise<Answer> {
  const r = await fetch(`${sidecar.url}${path}`, { method, headers: contentType ? { 'content-type': contentType } : {}, body });
  return { status: r.status, body: await r.text() };
}

function errorOf(a: Answer): { status: number; errorCode: string; reason: string } {
  const parsed = JSON.parse(a.body) as { errorCode: string; details?: Array<{ reason?: string }> };
  return { status: a.status, errorCode: parsed.errorCode, reason: parsed.details?.[0]?.reason ?? '' };
}

it('publishes JSON, text and binary bodies with 204 and an empty body', async () => {
  expect(await send('/v1.0/publish/orderpubsub/orders', '{"orderId":1}', 'application/json')).toEqual({ status: 204, body: '' });
  expect(await send('/v1.0/publish/orderpubsub/orders', 'hello', 'text/plain', 'PUT')).toEqual({ status: 204, body: '' });
  expect(await send('/v1.0/publish/orderpubsub/a/nested/topic', 'raw', 'application/octet-stream')).toEqual({ status: 204, body: '' });
  expect(await send('/v1.0/publish/orderpubsub/orders?metadata.rawPayload=true', 'raw')).toEqual({ status: 204, body: '' });
});

it('bulk publishes on both routes with 204', async () => {
  const entries = JSON.stringify([
    { entryId: '1', event: { orderId: 1 }, contentType: 'application/json' },
    { entryId: '2', event: 'two', contentType: 'text/plain' },
  ]);
  expect(await send('/v1.0-alpha1/publish/bulk/orderpubsub/orders', entries, 'application/json')).toEqual({ status: 204, body: '' });
  expect(await send('/v1.0/publish/bulk/orderpubsub/orders', entries, 'application/json')).toEqual({ status: 204, body: '' });
});

it('answers the documented lookup errors', async () => {
  expect(errorOf(await send('/v1.0/publish/nope/orders', 'x'))).toEqual({ status: 404, errorCode: 'ERR_PUBSUB_NOT_FOUND', reason: 'DAPR_PUBSUB_NOT_FOUND' });
  expect(errorOf(await send('/v1.0/publish//orders', 'x'))).toEqual({ status: 404, errorCode: 'ERR_PUBSUB_EMPTY', reason: 'DAPR_PUBSUB_NAME_EMPTY' });
  expect(errorOf(await send('/v1.0/publish/orderpubsub/', 'x'))).toEqual({ status: 404, errorCode: 'ERR_TOPIC_NAME_EMPTY', reason: 'DAPR_PUBSUB_TOPIC_NAME_EMPTY' });
});

it('answers the documented request errors', async () => {
  expect(errorOf(await send('/v1.0/publish/orderpubsub/orders?metadata.rawPayload=maybe', 'x')).errorCode).toBe('ERR_PUBSUB_REQUEST_METADATA');
  expect(errorOf(await send('/v1.0/publish/orderpubsub/orders', '{nope', 'application/cloudevents+json'))).toMatchObject({ status: 500, errorCode: 'ERR_PUBSUB_CLOUD_EVENTS_SER' });
  expect(errorOf(await send('/v1.0-alpha1/publish/bulk/orderpubsub/orders', '[{"event":"x"}]', 'application/json'))).toMatchObject({ status: 400, errorCode: 'ERR_PUBSUB_EVENTS_SER' });
});

it('enforces publishingScopes', async () => {
  expect((await send('/v1.0/publish/scopedpubsub/allowed', 'x')).status).toBe(204);
  expect(errorOf(await send('/v1.0/publish/scopedpubsub/other', 'x'))).toEqual({ status: 403, errorCode: 'ERR_PUBSUB_FORBIDDEN', reason: 'DAPR_PUBSUB_FORBIDDEN' });
});
