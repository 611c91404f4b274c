/**
 * Scenario: one sidecar with pubsub.in-memory and an app that subscribes programmatically
 * (GET /dapr/subscribe) and declaratively (a Subscription resource). Messages are published through
 * the sidecar's publish API and delivered to the app; the app's answers drive retry, drop, 404 and
 * dead-lettering; GET /v1.0/metadata lists the subscriptions.
 */
import { componentYaml, startApp, startSidecar, stopAll, waitFor, type ReceivedRequest, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

const SUBSCRIPTIONS = [
  { pubsubname: 'pubsub', topic: 'orders', route: 'orders' },
  { pubsubname: 'pubsub', topic: 'answers', route: '/answers' },
  { pubsubname: 'pubsub', topic: 'routed', routes: { rules: [{ match: 'event.data.size > 10 && event.type == "com.dapr.event.sent"', path: '/big' }], default: '/small' }, route: '/ignored' },
  { pubsubname: 'pubsub', topic: 'fragile', route: '/fragile', deadLetterTopic: 'poison' },
  { pubsubname: 'pubsub', topic: 'poison', route: '/poison' },
  { pubsubname: 'pubsub', topic: 'nothing' },
];

const DECLARATIVE = `apiVersion: dapr.io/v1alpha1
kind: Subscription
metadata:
  name: decl-sub
spec:
  pubsubname: pubsub
  topic: declared
  route: /declared
scopes: [subscriber]
`;

let app: TestApp;
let sidecar: Sidecar;
const seen = new Map<string, number>();

function data(r: ReceivedRequest): Record<string, unknown> {
  return (JSON.parse(r.body.toString()) as { data: Record<string, unknown> }).data;
}

beforeAll(async () => {
  app = await startApp((r) => {
    if (r.method === 'GET' && r.url === '/dapr/subscribe') return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(SUBSCRIPTIONS) };
    if (r.url === '/answers' || r.url === '/fragile') {
      const d = data(r);
      const key = String(d.key);
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (d.answer === 'retry-once') return seen.get(key) === 1 ? { body: '{"status":"RETRY"}' } : { body: '{"status":"SUCCESS"}' };
      if (d.answer === '404') return { status: 404 };
      if (d.answer === 'json') return { headers: { 'content-type': 'application/json' }, body: `{"status":"${String(d.status)}"}` };
      return { body: '' };
    }
    return { body: 'OK' };
  });
  sidecar = await startSidecar({
    appId: 'subscriber',
    appPort: app.port,
    resources: { 'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory'), 'sub.yaml': DECLARATIVE },
    env: { APP_API_TOKEN: 'app-token' },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await stopAll();
});

async function publish(topic: string, body: unknown, query = ''): Promise<void> {
  const r = await fetch(`${sidecar.url}/v1.0/publish/pubsub/${topic}${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(r.status).toBe(204);
}

function deliveries(url: string, key?: string): ReceivedRequest[] {
  return app.received.filter((r) => r.method === 'POST' && r.url === url && (key === undefined || data(r).key === key));
}

it('asked the app for its subscriptions with the app token', () => {
  const get = app.received.find((r) => r.url === '/dapr/subscribe');
  expect(get?.method).toBe('GET');
  expect(get?.headers['dapr-api-token']).toBe('app-token');
});

it('delivers the envelope with the CloudEvents content type, pubsubname, metadata and token headers', async () => {
  await publish('orders', { id: 7 }, '?metadata.x-tenant=acme');
  const [r] = await waitFor('the order delivery', () => (deliveries('/orders').length > 0 ? deliveries('/orders') : undefined));
  expect(r?.headers['content-type']).toBe('application/cloudevents+json');
  expect(r?.headers.pubsubname).toBe('pubsub');
  expect(r?.headers['dapr-api-token']).toBe('app-token');
  expect(r?.headers['x-tenant']).toBe('acme');
  expect(r?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
  const ce = JSON.parse(r?.body.toString() ?? '{}') as Record<string, unknown>;
  expect(ce).toMatchObject({ specversion: '1.0', topic: 'orders', pubsubname: 'pubsub', data: { id: 7 } });
  expect(typeof ce.id).toBe('string');
});

it('treats an empty body and {"status":"SUCCESS"} as success (delivered once)', async () => {
  await publish('answers', { key: 'empty' });
  await publish('answers', { key: 'ok', answer: 'json', status: 'SUCCESS' });
  // A RETRY message published after them proves the broker had time to redeliver the earlier ones.
  await publish('answers', { key: 'success-probe', answer: 'retry-once' });
  await waitFor('the probe redelivery', () => deliveries('/answers', 'success-probe').length === 2);
  expect(deliveries('/answers', 'empty')).toHaveLength(1);
  expect(deliveries('/answers', 'ok')).toHaveLength(1);
});

it('redelivers after RETRY until the app succeeds', async () => {
  await publish('answers', { key: 'retry', answer: 'retry-once' });
  await waitFor('the redelivery', () => deliveries('/answers', 'retry').length === 2);
});

it('redelivers after an unknown status string (case-sensitive)', async () => {
  await publish('answers', { key: 'lower', answer: 'json', status: 'success' });
  await waitFor('a redelivery', () => deliveries('/answers', 'lower').length >= 2);
});

it('does not redeliver after DROP or 404', async () => {
  await publish('answers', { key: 'drop', answer: 'json', status: 'DROP' });
  await publish('answers', { key: 'gone', answer: '404' });
  // A RETRY message published after them proves the broker had time to redeliver the earlier ones.
  await publish('answers', { key: 'probe', answer: 'retry-once' });
  await waitFor('the probe redelivery', () => deliveries('/answers', 'probe').length === 2);
  expect(deliveries('/answers', 'drop')).toHaveLength(1);
  expect(deliveries('/answers', 'gone')).toHaveLength(1);
});

it('routes by the first matching rule, else routes.default (which beats route)', async () => {
  await publish('routed', { size: 50, key: 'b' });
  await publish('routed', { size: 1, key: 's' });
  await waitFor('both routed deliveries', () => deliveries('/big').length === 1 && deliveries('/small').length === 1);
  expect(data(deliveries('/big')[0] as ReceivedRequest).key).toBe('b');
  expect(deliveries('/ignored')).toHaveLength(0);
});

it('copies a dropped message to the dead-letter topic', async () => {
  await publish('fragile', { key: 'dl', answer: 'json', status: 'DROP' });
  const [dead] = await waitFor('the dead letter', () => (deliveries('/poison').length > 0 ? deliveries('/poison') : undefined));
  expect(data(dead as ReceivedRequest).key).toBe('dl');
  expect(deliveries('/fragile', 'dl')).toHaveLength(1);
});

it('delivers to declarative subscriptions', async () => {
  await publish('declared', { key: 'd' });
  await waitFor('the declarative delivery', () => deliveries('/declared').length === 1);
});

it('lists the subscriptions in the metadata API', async () => {
  const meta = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { subscriptions: Array<Record<string, unknown>> };
  const byTopic = new Map(meta.subscriptions.map((s) => [s.topic, s]));
  expect(byTopic.get('declared')).toEqual({ pubsubname: 'pubsub', topic: 'declared', rules: [{ path: '/declared' }], deadLetterTopic: '', type: 'DECLARATIVE' });
  expect(byTopic.get('orders')).toEqual({ pubsubname: 'pubsub', topic: 'orders', rules: [{ path: 'orders' }], deadLetterTopic: '', type: 'PROGRAMMATIC' });
  expect(byTopic.get('routed')).toMatchObject({ rules: [{ match: 'event.data.size > 10 && event.type == "com.dapr.event.sent"', path: '/big' }, { path: '/small' }] });
  expect(byTopic.get('fragile')).toMatchObject({ deadLetterTopic: 'poison' });
  expect(byTopic.has('nothing')).toBe(false);
});
