/**
 * Scenario (issue 11, spec trap 31): code written for real Dapr works unchanged. The official
 * @dapr/dapr client bulk-publishes (its entries say `entryID`) to a spawned sidecar, and an app that
 * spells its subscription and answers the way Go accepts them (`PubsubName`, `TOPIC`,
 * `Routes.Default`, `{"Status":"RETRY"}`) receives every event, and the one it asked to retry twice.
 */
import { CommunicationProtocolEnum, DaprClient } from '@dapr/dapr';
import { componentYaml, startApp, startSidecar, stopAll, waitFor, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

let app: TestApp;
let sidecar: Sidecar;
let client: DaprClient;

const events = () => app.received.filter((r) => r.url === '/orders').map((r) => (JSON.parse(r.body.toString()) as { data: unknown }).data);

beforeAll(async () => {
  app = await startApp((r) => {
    if (r.method === 'GET' && r.url === '/dapr/subscribe') {
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ PubsubName: 'pubsub', TOPIC: 'orders', Routes: { Default: '/orders' } }]) };
    }
    const data = (JSON.parse(r.body.toString()) as { data?: { orderId?: number } }).data;
    const retry = data?.orderId === 2 && events().filter((e) => (e as { orderId?: number }).orderId === 2).length === 1;
    return { headers: { 'content-type': 'application/json' }, body: retry ? '{"Status":"RETRY"}' : '{"STATUS":"SUCCESS"}' };
  });
  sidecar = await startSidecar({ appId: 'checkout', appPort: app.port, resources: { 'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory') } });
  client = new DaprClient({
    daprHost: '127.0.0.1',
    daprPort: String(sidecar.httpPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    logger: { level: 0 } as never,
  });
  await client.start();
});

afterAll(async () => {
  await client?.stop();
  await sidecar?.stop();
  await app?.close();
  await stopAll();
});

it('client.pubsub.publishBulk() publishes every entry; the subscriber gets each, and the retried one again', async () => {
  const res = await client.pubsub.publishBulk('pubsub', 'orders', [
    { orderId: 1 },
    { orderId: 2 },
    { entryID: 'mine', event: { orderId: 3 }, contentType: 'application/json' },
    'plain text',
  ]);
  expect(res.failedMessages).toEqual([]);
  await waitFor('five deliveries (one retried)', async () => events().length >= 5, { timeoutMs: 10000 });
  expect([...events()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(['plain text', { orderId: 1 }, { orderId: 2 }, { orderId: 2 }, { orderId: 3 }]);
});

it('accepts a raw client spelling entry fields as Go does (EntryID, Event, ContentType)', async () => {
  const r = await fetch(`${sidecar.url}/v1.0-alpha1/publish/bulk/pubsub/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ EntryID: 'raw', Event: { orderId: 5 }, ContentType: 'application/json' }]),
  });
  expect(r.status).toBe(204);
  await waitFor('the raw delivery', async () => events().some((e) => (e as { orderId?: number }).orderId === 5), { timeoutMs: 10000 });
});
