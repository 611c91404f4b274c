/**
 * Scenario: two sidecars share one state.sqlite file (keyPrefix: name, so they share keys) and race
 * first-writes on the same key over HTTP; then 1,000 concurrent saves through one sidecar lose nothing.
 */
import { join } from 'node:path';
import { componentYaml, startSidecar, stopAll, tempDir, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(60000);

const data = tempDir('minidapr-sqlite-concurrency-');
const resources = {
  'statestore.yaml': componentYaml('statestore', 'state.sqlite', { connectionString: join(data.path, 'shared.db'), keyPrefix: 'name' }),
};
let a: Sidecar;
let b: Sidecar;

beforeAll(async () => {
  [a, b] = await Promise.all([startSidecar({ appId: 'sqlite-racer-a', resources }), startSidecar({ appId: 'sqlite-racer-b', resources })]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await stopAll();
  data.remove();
});

async function firstWrite(s: Sidecar, key: string): Promise<{ status: number; errorCode?: string }> {
  const r = await fetch(`${s.url}/v1.0/state/statestore`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ key, value: s.appId, options: { concurrency: 'first-write', consistency: 'strong' } }]),
  });
  const text = await r.text();
  return { status: r.status, errorCode: text ? (JSON.parse(text) as { errorCode?: string }).errorCode : undefined };
}

it('lets exactly one of two sidecars win a first-write race on one key (204 and 409)', async () => {
  for (let round = 0; round < 10; round++) {
    const key = `race-${round}`;
    const results = await Promise.all([firstWrite(a, key), firstWrite(b, key)]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
    expect(results.find((r) => r.status === 409)?.errorCode).toBe('ERR_STATE_SAVE');
    const winner = results[0]?.status === 204 ? a.appId : b.appId;
    for (const s of [a, b]) expect(await (await fetch(`${s.url}/v1.0/state/statestore/${key}`)).json()).toBe(winner);
  }
});

it('loses none of 1,000 concurrent saves through one sidecar (50 in flight)', async () => {
  const total = 1000;
  let next = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const r = await fetch(`${a.url}/v1.0/state/statestore`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ key: `bulk-${i}`, value: { i, payload: 'x'.repeat(256) } }]),
      });
      if (r.status !== 204) failures.push(`bulk-${i}: ${r.status} ${await r.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  expect(failures).toEqual([]);

  // Read back through the other sidecar: the writes are in the shared file, not one process's memory.
  const keys = Array.from({ length: total }, (_, i) => `bulk-${i}`);
  const r = await fetch(`${b.url}/v1.0/state/statestore/bulk`, { method: 'POST', body: JSON.stringify({ keys }) });
  expect(r.status).toBe(200);
  const got = (await r.json()) as Array<{ key: string; data?: { i: number }; etag?: string }>;
  expect(got).toHaveLength(total);
  expect(got.filter((g) => g.data?.i !== Number(g.key.slice(5)) || !g.etag).map((g) => g.key)).toEqual([]);
});
