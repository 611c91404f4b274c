/**
 * Scenario: bulk subscribe delivery (spec §6.6) through a real sidecar with pubsub.sqlite. The app
 * subscribes programmatically (`bulkSubscribe` in GET /dapr/subscribe) and declaratively
 * (`spec.bulkSubscribe`); messages published one by one arrive batched in
 * `com.dapr.event.sent.bulk` envelopes; per-entry SUCCESS / RETRY / DROP answers drive
 * redelivery and the dead-letter topic. Then the official SDK's `server.pubsub.subscribeBulk`
 * receives and acknowledges bulk batches from the sidecar.
 */
import path from 'node:path';
import { CommunicationProtocolEnum, DaprPubSubStatusEnum, DaprServer, LogLevel } from '@dapr/dapr';
import { componentYaml, freePort, startApp, startSidecar, stopAll, tempDir, waitFor, type ReceivedRequest, type Sidecar, type TempDir, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

interface Entry {
  entryId: string;
  event: { id: string; data: { key: string; answer?: string } };
  contentType: string;
  metadata: Record<string, string>;
}
interface Batch {
  entries: Entry[];
  id: string;
  metadata: Record<string, string>;
  pubsubname: string;
  topic: string;
  type: string;
}

const SUBSCRIPTIONS = [
  { pubsubname: 'pubsub', topic: 'orders', route: '/orders', deadLetterTopic: 'poison', bulkSubscribe: { enabled: true, maxMessagesCount: 5, maxAwaitDurationMs: 1000 } },
  { pubsubname: 'pubsub', topic: 'poison', route: '/poison' },
];

const DECLARATIVE = `apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: bulk-decl
spec:
  pubsubname: pubsub
  topic: declared
  routes:
    default: /declared
  bulkSubscribe:
    enabled: true
    maxMessagesCount: 3
    maxAwaitDurationMs: 5000
`;

function sqlitePubSub(file: string): string {
  return componentYaml('pubsub', 'pubsub.sqlite', { connectionString: file, pollInterval: '50ms', redeliverInterval: '50ms', concurrency: '20' });
}

async function publish(sidecar: Sidecar, topic: string, body: unknown): Promise<void> {
  const r = await fetch(`${sidecar.url}/v1.0/publish/pubsub/${topic}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(r.status).toBe(204);
}

describe('bulk subscribe with a plain app', () => {
  let dir: TempDir;
  let app: TestApp;
  let sidecar: Sidecar;
  const seen = new Map<string, number>();

  const batches = (url: string): Batch[] => app.received.filter((r) => r.method === 'POST' && r.url === url).map((r) => JSON.parse(r.body.toString()) as Batch);
  const deliveriesOf = (url: string, key: string): number => batches(url).flatMap((b) => b.entries).filter((e) => e.event.data.key === key).length;

  beforeAll(async () => {
    dir = tempDir('minidapr-bulk-');
    app = await startApp((r: ReceivedRequest) => {
      if (r.method === 'GET' && r.url === '/dapr/subscribe') return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(SUBSCRIPTIONS) };
      if (r.url === '/orders' || r.url === '/declared') {
        const batch = JSON.parse(r.body.toString()) as Batch;
        const statuses = batch.entries.map((e) => {
          const { key, answer } = e.event.data;
          seen.set(key, (seen.get(key) ?? 0) + 1);
          if (answer === 'retry-once') return { entryId: e.entryId, status: seen.get(key) === 1 ? 'RETRY' : 'SUCCESS' };
          if (answer === 'silent-once' && seen.get(key) === 1) return undefined;
          return { entryId: e.entryId, status: answer === 'drop' ? 'DROP' : 'SUCCESS' };
        });
        return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statuses: statuses.filter(Boolean) }) };
      }
      return { body: '' };
    });
    sidecar = await startSidecar({
      appId: 'bulk-subscriber',
      appPort: app.port,
      resources: { 'pubsub.yaml': sqlitePubSub(path.join(dir.path, 'broker.db')), 'sub.yaml': DECLARATIVE },
      env: { APP_API_TOKEN: 'app-token' },
    });
    await waitFor('the subscriptions', async () => {
      const meta = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { subscriptions: unknown[] };
      return meta.subscriptions.length === 3;
    });
  });

  afterAll(async () => {
    await sidecar?.stop();
    await app?.close();
    await stopAll();
    dir?.remove();
  });

  it('batches single publishes into bulk envelopes and settles each entry by its status', async () => {
    const answers = ['ok', 'ok', 'retry-once', 'drop', 'silent-once'];
    await Promise.all(answers.map((answer, i) => publish(sidecar, 'orders', { key: `k${i}`, answer })));
    // Every entry settled: k2 and k4 delivered twice (RETRY / no status, then SUCCESS), k3 dead-lettered.
    await waitFor('the redeliveries and the dead letter', () => deliveriesOf('/orders', 'k2') === 2 && deliveriesOf('/orders', 'k4') === 2 && app.received.some((r) => r.url === '/poison'));
    for (const key of ['k0', 'k1', 'k3']) expect(deliveriesOf('/orders', key)).toBe(1);

    const first = app.received.find((r) => r.url === '/orders') as ReceivedRequest;
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['dapr-api-token']).toBe('app-token');
    expect(first.headers.pubsubname).toBe('pubsub');
    const all = batches('/orders');
    expect(all[0]).toMatchObject({ pubsubname: 'pubsub', topic: 'orders', type: 'com.dapr.event.sent.bulk', metadata: { pubsubName: 'pubsub' } });
    expect(all[0]?.entries[0]).toMatchObject({ contentType: 'application/cloudevents+json', event: { specversion: '1.0', topic: 'orders', pubsubname: 'pubsub', source: 'bulk-subscriber' } });
    // The first delivery of the five messages arrived in fewer requests than messages.
    expect(all.length).toBeLessThan(7);
    expect(Math.max(...all.map((b) => b.entries.length))).toBeGreaterThan(1);

    // The dropped message reached the dead-letter topic as a normal (single) delivery, unchanged.
    await waitFor('one dead letter', () => app.received.filter((r) => r.url === '/poison').length === 1);
    const dead = app.received.find((r) => r.url === '/poison') as ReceivedRequest;
    expect(dead.headers['content-type']).toBe('application/cloudevents+json');
    expect(JSON.parse(dead.body.toString())).toMatchObject({ topic: 'orders', data: { key: 'k3', answer: 'drop' } });
  });

  it('sends a full declarative batch without waiting for maxAwaitDurationMs', async () => {
    const t0 = Date.now();
    await Promise.all(['d0', 'd1', 'd2'].map((key) => publish(sidecar, 'declared', { key })));
    await waitFor('the declarative batch', () => batches('/declared').flatMap((b) => b.entries).length === 3);
    // maxAwaitDurationMs is 5 s: only a full batch (maxMessagesCount 3) explains a quick delivery.
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(batches('/declared')).toHaveLength(1);
  });
});

describe('bulk subscribe with the @dapr/dapr SDK', () => {
  let dir: TempDir;
  let server: DaprServer | undefined;
  let sidecar: Sidecar | undefined;

  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    await sidecar?.stop();
    await stopAll();
    dir?.remove();
  });

  it('delivers to server.pubsub.subscribeBulk and takes its statuses', async () => {
    dir = tempDir('minidapr-bulk-sdk-');
    const appPort = await freePort();
    // The sidecar waits for the app port; the SDK server needs the sidecar's port first.
    sidecar = await startSidecar({ appId: 'sdk-bulk', appPort, resources: { 'pubsub.yaml': sqlitePubSub(path.join(dir.path, 'broker.db')) }, waitFor: 'none' });
    const sc = sidecar;
    server = new DaprServer({
      serverHost: '127.0.0.1',
      serverPort: String(appPort),
      clientOptions: { daprHost: '127.0.0.1', daprPort: String(sc.httpPort), communicationProtocol: CommunicationProtocolEnum.HTTP, logger: { level: LogLevel.Error } },
      logger: { level: LogLevel.Error },
    });
    const got: Array<{ n: number }> = [];
    let rejected = false;
    await server.pubsub.subscribeBulk(
      'pubsub',
      'sdk-orders',
      async (data: { n: number }) => {
        got.push(data);
        if (data.n === 3 && !rejected) {
          rejected = true;
          return DaprPubSubStatusEnum.RETRY;
        }
        return DaprPubSubStatusEnum.SUCCESS;
      },
      { maxMessagesCount: 4, maxAwaitDurationMs: 100 },
    );
    await server.start();
    await waitFor('the SDK subscription', async () => ((await (await fetch(`${sc.url}/v1.0/metadata`)).json()) as { subscriptions: unknown[] }).subscriptions.length === 1);
    await Promise.all([1, 2, 3, 4].map((n) => publish(sc, 'sdk-orders', { n })));
    // n=3 is answered RETRY once, so it arrives twice; the others once.
    await waitFor('every message, and the retried one again', () => got.length === 5);
    expect(got.map((d) => d.n).sort()).toEqual([1, 2, 3, 3, 4]);
  });
});
