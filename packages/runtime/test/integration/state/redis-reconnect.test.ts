/**
 * Scenario: a state.redis store survives its Redis going away. While Redis is down a save answers
 * 500 ERR_STATE_SAVE naming the store, quickly; when Redis returns on the same port, saves work again
 * without restarting the sidecar. Uses its own throwaway redis-server, never the shared one.
 */
import {
  componentYaml,
  freePort,
  requireRedisServerBinary,
  startRedisServer,
  startSidecar,
  stopAll,
  tempDir,
  waitFor,
  type Sidecar,
  type Spawned,
  type TempDir,
} from '@minidapr/testkit';

jest.setTimeout(60000);

const scenario = requireRedisServerBinary('the Redis reconnect scenario') ? describe : describe.skip;

let dir: TempDir;
let port: number;
let redis: Spawned | undefined;
let sidecar: Sidecar | undefined;

function save(value: unknown): Promise<Response> {
  return fetch(`${sidecar?.url}/v1.0/state/statestore`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ key: 'order', value }]),
  });
}

scenario('state.redis reconnect', () => {
  beforeAll(async () => {
    dir = tempDir('minidapr-redis-');
    port = await freePort();
    redis = await startRedisServer({ port, dir: dir.path });
    sidecar = await startSidecar({
      appId: 'redis-reconnect',
      resources: { 'statestore.yaml': componentYaml('statestore', 'state.redis', { redisHost: `127.0.0.1:${port}` }) },
    });
  });

  afterAll(async () => {
    await sidecar?.stop();
    await redis?.stop();
    await stopAll();
    dir?.remove();
  });

  it('saves and reads while Redis is up', async () => {
    expect((await save({ n: 1 })).status).toBe(204);
    const r = await fetch(`${sidecar?.url}/v1.0/state/statestore/order`);
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe('1');
    expect(await r.json()).toEqual({ n: 1 });
  });

  it('answers 500 ERR_STATE_SAVE naming the store, quickly, while Redis is down', async () => {
    await redis?.stop();
    redis = undefined;
    const started = Date.now();
    const r = await save({ n: 2 });
    const elapsed = Date.now() - started;
    expect(r.status).toBe(500);
    const body = (await r.json()) as { errorCode: string; message: string };
    expect(body.errorCode).toBe('ERR_STATE_SAVE');
    expect(body.message).toContain('state store statestore');
    expect(body.message).toContain(`127.0.0.1:${port}`);
    expect(elapsed).toBeLessThan(5000);
    const g = await fetch(`${sidecar?.url}/v1.0/state/statestore/order`);
    expect(g.status).toBe(500);
    expect(((await g.json()) as { errorCode: string }).errorCode).toBe('ERR_STATE_GET');
  });

  it('recovers by itself when Redis returns on the same port', async () => {
    redis = await startRedisServer({ port, dir: dir.path });
    await waitFor('a save to succeed after Redis returned', async () => (await save({ n: 3 })).status === 204, { timeoutMs: 15000, intervalMs: 100 });
    const r = await fetch(`${sidecar?.url}/v1.0/state/statestore/order`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ n: 3 });
    expect(sidecar?.process.child.exitCode).toBeNull();
  });
});
