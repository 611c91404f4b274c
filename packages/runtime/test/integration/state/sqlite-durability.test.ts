/** Scenario: state.sqlite keeps what was saved through a `kill -9` of the sidecar and a restart on the same file. */
import { join } from 'node:path';
import { componentYaml, startSidecar, stopAll, tempDir, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(60000);

const data = tempDir('minidapr-sqlite-durability-');
const resources = {
  'statestore.yaml': componentYaml('statestore', 'state.sqlite', { connectionString: join(data.path, 'db', 'state.db'), cleanupInterval: '0' }),
};
let sidecar: Sidecar | undefined;

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
  data.remove();
});

async function save(url: string, items: unknown[]): Promise<number> {
  const r = await fetch(`${url}/v1.0/state/statestore`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(items) });
  return r.status;
}

it('serves every saved key, with the same etag, after the sidecar is killed with SIGKILL and restarted', async () => {
  sidecar = await startSidecar({ appId: 'durable', resources });
  expect(await save(sidecar.url, [
    { key: 'order-1', value: { orderId: 1, items: ['a', 'b'] } },
    { key: 'greeting', value: 'hello' },
    { key: 'expiring', value: 42, metadata: { ttlInSeconds: '3600' } },
  ])).toBe(204);
  for (let i = 0; i < 100; i++) expect(await save(sidecar.url, [{ key: `k${i}`, value: { i } }])).toBe(204);
  const before = await fetch(`${sidecar.url}/v1.0/state/statestore/order-1`);
  expect(before.status).toBe(200);
  const etag = before.headers.get('etag');
  expect(etag).toBeTruthy();

  process.kill(sidecar.process.pid, 'SIGKILL');
  expect((await sidecar.process.exited).signal).toBe('SIGKILL');
  await sidecar.stop();

  sidecar = await startSidecar({ appId: 'durable', resources });
  const after = await fetch(`${sidecar.url}/v1.0/state/statestore/order-1`);
  expect(after.status).toBe(200);
  expect(await after.json()).toEqual({ orderId: 1, items: ['a', 'b'] });
  expect(after.headers.get('etag')).toBe(etag);
  expect(await (await fetch(`${sidecar.url}/v1.0/state/statestore/greeting`)).text()).toBe('"hello"');
  const expiring = await fetch(`${sidecar.url}/v1.0/state/statestore/expiring`);
  expect(expiring.headers.get('metadata.ttlexpiretime')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
  const bulk = await fetch(`${sidecar.url}/v1.0/state/statestore/bulk`, { method: 'POST', body: JSON.stringify({ keys }) });
  const got = (await bulk.json()) as Array<{ key: string; data?: { i: number } }>;
  expect(got.map((g) => g.data?.i)).toEqual(keys.map((_, i) => i));
});
