/**
 * Scenario: a sidecar with a pubsub.redis component keeps delivering across a Redis restart. While
 * Redis is down a publish answers 500 ERR_PUBSUB_PUBLISH_MESSAGE naming the address, quickly; when
 * Redis returns on the same port (empty: no persistence, so the stream and consumer group are gone)
 * publishing and delivery resume without restarting the sidecar. Uses its own throwaway
 * redis-server, never the shared one.
 */
import {
  componentYaml,
  freePort,
  requireRedisServerBinary,
  startApp,
  startRedisServer,
  startSidecar,
  stopAll,
  tempDir,
  waitFor,
  type ReceivedRequest,
  type Sidecar,
  type Spawned,
  type TempDir,
  type TestApp,
} from '@minidapr/testkit';

jest.setTimeout(60000);

const scenario = requireRedisServerBinary('the pubsub.redis restart scenario') ? describe : describe.skip;

let dir: TempDir;
let port: number;
let redis: Spawned | undefined;
let app: TestApp;
let sidecar: Sidecar | undefined;

function publish(body: unknown): Promise<Response> {
  return fetch(`${sidecar?.url}/v1.0/publish/pubsub/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function delivered(): string[] {
  return app.received
    .filter((r: ReceivedRequest) => r.method === 'POST' && r.url === '/orders')
    .map((r) => String((JSON.parse(r.body.toString()) as { data: { n: string } }).data.n));
}

scenario('pubsub.redis across a Redis restart', () => {
  beforeAll(async () => {
    dir = tempDir('minidapr-redis-');
    port = await freePort();
    redis = await startRedisServer({ port, dir: dir.path });
    app = await startApp((r) => {
      if (r.method === 'GET' && r.url === '/dapr/subscribe') {
        return { headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]) };
      }
      return { body: '' };
    });
    sidecar = await startSidecar({
      appId: 'redis-restart',
      appPort: app.port,
      resources: {
        'pubsub.yaml': componentYaml('pubsub', 'pubsub.redis', {
          redisHost: `127.0.0.1:${port}`,
          consumerID: 'restart-group',
          processingTimeout: '1s',
          redeliverInterval: '500ms',
        }),
      },
    });
  });

  afterAll(async () => {
    await sidecar?.stop();
    await app?.close();
    await redis?.stop();
    await stopAll();
    dir?.remove();
  });

  it('delivers while Redis is up', async () => {
    expect((await publish({ n: 'before' })).status).toBe(204);
    await waitFor('the first delivery', () => delivered().includes('before'));
  });

  it('answers 500 ERR_PUBSUB_PUBLISH_MESSAGE naming the address, quickly, while Redis is down', async () => {
    await redis?.stop();
    redis = undefined;
    const started = Date.now();
    const r = await publish({ n: 'lost' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.status).toBe(500);
    const body = (await r.json()) as { errorCode: string; message: string };
    expect(body.errorCode).toBe('ERR_PUBSUB_PUBLISH_MESSAGE');
    expect(body.message).toContain('orders');
    expect(body.message).toContain(`127.0.0.1:${port}`);
  });

  it('publishes and delivers again once Redis is back, without a sidecar restart', async () => {
    redis = await startRedisServer({ port, dir: dir.path });
    await waitFor('a publish to succeed after Redis returned', async () => (await publish({ n: 'after' })).status === 204, { timeoutMs: 15000, intervalMs: 200 });
    await waitFor('a delivery after the restart', () => delivered().includes('after'), { timeoutMs: 15000 });
    for (let i = 0; i < 20; i++) expect((await publish({ n: `burst-${i}` })).status).toBe(204);
    await waitFor('the burst', () => delivered().filter((n) => n.startsWith('burst-')).length >= 20, { timeoutMs: 15000 });
    expect(new Set(delivered().filter((n) => n.startsWith('burst-'))).size).toBe(20);
    expect(delivered()).not.toContain('lost');
    expect(sidecar?.process.child.exitCode).toBeNull();
  });
});
