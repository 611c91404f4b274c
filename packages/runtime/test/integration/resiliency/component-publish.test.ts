/**
 * Scenario: publishing under a pub/sub outbound policy, on pubsub.redis over a private redis-server
 * whose user the test can deny XADD. `pubsub` (fiveRetries): a publish Redis refuses is tried
 * exactly 6 times, then answers ERR_PUBSUB_PUBLISH_MESSAGE; a bulk publish reports its entries
 * failed after the same 6 tries each. `patient` (slowRetries): a publish made while Redis refuses
 * succeeds once XADD is allowed again, without the caller retrying. `plain` (no policy) tries once.
 */
import { componentYaml, freePort, requireRedisServerBinary, startRedisServer, startSidecar, stopAll, tempDir, waitFor, type Sidecar, type Spawned, type TempDir } from '@minidapr/testkit';
import { DAPR_PASSWORD, DAPR_USER, RedisAcl, resiliencyYaml } from './component-fixtures';

jest.setTimeout(60000);

const scenario = requireRedisServerBinary('the publish resiliency scenario') ? describe : describe.skip;

let dir: TempDir;
let redis: Spawned;
let acl: RedisAcl;
let sidecar: Sidecar;

const xadds = async () => {
  const c = await acl.calls('xadd');
  return c.ok + c.rejected;
};
const publish = (pubsub: string, topic: string) =>
  fetch(`${sidecar.url}/v1.0/publish/${pubsub}/${topic}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' });

scenario('publish outbound resiliency', () => {
  beforeAll(async () => {
    dir = tempDir('minidapr-res-publish-');
    const port = await freePort();
    redis = await startRedisServer({ port, dir: dir.path });
    acl = await RedisAcl.connect(port);
    const meta = { redisHost: `127.0.0.1:${port}`, redisUsername: DAPR_USER, redisPassword: DAPR_PASSWORD };
    sidecar = await startSidecar({
      appId: 'publisher',
      resources: {
        'pubsub.yaml': componentYaml('pubsub', 'pubsub.redis', meta),
        'patient.yaml': componentYaml('patient', 'pubsub.redis', meta),
        'plain.yaml': componentYaml('plain', 'pubsub.redis', meta),
        'resiliency.yaml': resiliencyYaml(
          ['    components:', '      pubsub:', '        outbound:', '          retry: fiveRetries', '      patient:', '        outbound:', '          retry: slowRetries'].join('\n'),
        ),
      },
    });
  });

  afterAll(async () => {
    await sidecar?.stop();
    acl?.close();
    await redis?.stop();
    dir?.remove();
    await stopAll();
  });

  it('publishes while Redis serves (one XADD)', async () => {
    const before = await xadds();
    expect((await publish('pubsub', 'orders')).status).toBe(204);
    expect((await xadds()) - before).toBe(1);
  });

  it('tries a refused publish exactly 6 times, then answers ERR_PUBSUB_PUBLISH_MESSAGE', async () => {
    await acl.deny('xadd');
    const before = await xadds();
    const r = await publish('pubsub', 'orders');
    expect(r.status).toBe(500);
    const body = (await r.json()) as { errorCode: string; message: string };
    expect(body.errorCode).toBe('ERR_PUBSUB_PUBLISH_MESSAGE');
    expect(body.message).toContain('NOPERM');
    expect((await xadds()) - before).toBe(6);
  });

  it('retries only the failed entries of a bulk publish, each 6 times', async () => {
    const before = await xadds();
    const r = await fetch(`${sidecar.url}/v1.0-alpha1/publish/bulk/pubsub/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { entryId: 'a', event: { n: 1 }, contentType: 'application/json' },
        { entryId: 'b', event: { n: 2 }, contentType: 'application/json' },
      ]),
    });
    expect(r.status).toBe(500);
    const body = (await r.json()) as { failedEntries: Array<{ entryId: string }> };
    expect(body.failedEntries.map((e) => e.entryId).sort()).toEqual(['a', 'b']);
    expect((await xadds()) - before).toBe(12);
  });

  it('tries a publish without a policy once', async () => {
    const before = await xadds();
    expect((await publish('plain', 'orders')).status).toBe(500);
    expect((await xadds()) - before).toBe(1);
  });

  it('keeps retrying until Redis accepts the message again', async () => {
    const before = await acl.calls('xadd');
    const pending = publish('patient', 'orders');
    await waitFor('two refused XADDs', async () => (await acl.calls('xadd')).rejected - before.rejected >= 2, { intervalMs: 20 });
    await acl.allow();
    expect((await pending).status).toBe(204);
    // The retry after the refusals is the one XADD that went through.
    expect((await acl.calls('xadd')).ok - before.ok).toBe(1);
  });
});
