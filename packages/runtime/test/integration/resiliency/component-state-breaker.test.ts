/**
 * Scenario: a state.redis store under an outbound policy (fiveRetries + quickCB: trips after more
 * than 5 consecutive failures, half-open after 1s) on a private redis-server whose user the test can
 * deny commands. A get while Redis refuses is tried exactly 6 times and answers ERR_STATE_GET; the
 * breaker is then open: the next get (HTTP, and gRPC, which shares the policy) fails at once with
 * "circuit breaker is open" without reaching Redis; once Redis serves again and the breaker's timeout
 * has passed, gets work again.
 */
import { componentYaml, freePort, requireRedisServerBinary, startRedisServer, startSidecar, stopAll, tempDir, waitFor, type Sidecar, type Spawned, type TempDir } from '@minidapr/testkit';
import { status } from '@grpc/grpc-js';
import { daprGrpcClient, type DaprGrpcClient } from '../../support/grpc';
import { DAPR_PASSWORD, DAPR_USER, RedisAcl, resiliencyYaml } from './component-fixtures';

jest.setTimeout(60000);

const scenario = requireRedisServerBinary('the state circuit breaker scenario') ? describe : describe.skip;

let dir: TempDir;
let redis: Spawned;
let acl: RedisAcl;
let sidecar: Sidecar;
let grpc: DaprGrpcClient;

const get = (key: string) => fetch(`${sidecar.url}/v1.0/state/statestore/${key}`);
/** The state store's script calls (every get and save is one EVALSHA). */
const scriptCalls = async () => (await acl.calls('evalsha')).ok + (await acl.calls('evalsha')).rejected;

scenario('state outbound circuit breaker', () => {
  beforeAll(async () => {
    dir = tempDir('minidapr-res-state-');
    const port = await freePort();
    redis = await startRedisServer({ port, dir: dir.path });
    acl = await RedisAcl.connect(port);
    sidecar = await startSidecar({
      appId: 'state-breaker',
      resources: {
        'statestore.yaml': componentYaml('statestore', 'state.redis', { redisHost: `127.0.0.1:${port}`, redisUsername: DAPR_USER, redisPassword: DAPR_PASSWORD }),
        'resiliency.yaml': resiliencyYaml('    components:\n      statestore:\n        outbound:\n          retry: fiveRetries\n          circuitBreaker: quickCB'),
      },
    });
    grpc = daprGrpcClient(`127.0.0.1:${sidecar.grpcPort}`);
  });

  afterAll(async () => {
    grpc?.close();
    await sidecar?.stop();
    acl?.close();
    await redis?.stop();
    dir?.remove();
    await stopAll();
  });

  it('saves and reads while Redis serves', async () => {
    const saved = await fetch(`${sidecar.url}/v1.0/state/statestore`, { method: 'POST', body: JSON.stringify([{ key: 'order', value: { id: 1 } }]) });
    expect(saved.status).toBe(204);
    expect(await (await get('order')).json()).toEqual({ id: 1 });
  });

  it('tries a failing get exactly 6 times, then answers ERR_STATE_GET', async () => {
    await acl.deny('evalsha', 'eval');
    const before = await scriptCalls();
    const r = await get('order');
    expect(r.status).toBe(500);
    const body = (await r.json()) as { errorCode: string; message: string };
    expect(body.errorCode).toBe('ERR_STATE_GET');
    expect(body.message).toContain('fail to get order from state store statestore');
    expect(body.message).toContain('NOPERM');
    expect((await scriptCalls()) - before).toBe(6);
  });

  it('fails fast with "circuit breaker is open" over HTTP and gRPC, without reaching Redis', async () => {
    await acl.allow();
    const before = await scriptCalls();
    const r = await get('order');
    expect(r.status).toBe(500);
    expect(await r.json()).toMatchObject({ errorCode: 'ERR_STATE_GET', message: 'fail to get order from state store statestore: circuit breaker is open' });
    const viaGrpc = await grpc.call('GetState', { storeName: 'statestore', key: 'order' });
    expect(viaGrpc.err?.code).toBe(status.INTERNAL);
    expect(viaGrpc.err?.message).toContain('circuit breaker is open');
    expect(await scriptCalls()).toBe(before);
  });

  it('closes again after the breaker timeout once Redis serves', async () => {
    const started = Date.now();
    const r = await waitFor('the breaker to let a get through', async () => {
      const res = await get('order');
      return res.status === 200 && res;
    }, { timeoutMs: 5000, intervalMs: 100 });
    expect(await r.json()).toEqual({ id: 1 });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
