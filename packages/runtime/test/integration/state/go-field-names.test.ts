/**
 * Scenario (spec trap 31) over a spawned sidecar: request bodies spelled the ways Go's
 * encoding/json accepts (`Key`, `VALUE`, `KEYS`, `OPERATION`, `Request`) work for the state API and
 * an output binding, and the keys inside values and metadata reach the store as sent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { componentYaml, startSidecar, stopAll, tempDir, type Sidecar, type TempDir } from '@minidapr/testkit';

jest.setTimeout(30000);

let sidecar: Sidecar;
let files: TempDir;

beforeAll(async () => {
  files = tempDir('minidapr-files-');
  sidecar = await startSidecar({
    appId: 'orders',
    resources: {
      'statestore.yaml': componentYaml('statestore', 'state.in-memory'),
      'files.yaml': componentYaml('files', 'bindings.localstorage', { rootPath: files.path }),
    },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  files?.remove();
  await stopAll();
});

const post = (path: string, body: unknown) => fetch(`${sidecar.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

it('saves, bulk-gets and transacts with Go-style field names', async () => {
  expect((await post('/v1.0/state/statestore', [{ Key: 'o1', VALUE: { OrderId: 1 } }])).status).toBe(204);
  const tx = { Operations: [{ OPERATION: 'upsert', Request: { KEY: 'o2', Value: 'two' } }, { Operation: 'delete', REQUEST: { Key: 'o1' } }] };
  expect((await post('/v1.0/state/statestore/transaction', tx)).status).toBe(204);
  const bulk = await post('/v1.0/state/statestore/bulk', { KEYS: ['o1', 'o2'], Parallelism: 2 });
  expect(bulk.status).toBe(200);
  expect(((await bulk.json()) as Array<{ key: string; data?: unknown }>).map((e) => [e.key, e.data])).toEqual([['o1', undefined], ['o2', 'two']]);
});

it('invokes an output binding with OPERATION / Data / Metadata', async () => {
  const r = await post('/v1.0/bindings/files', { OPERATION: 'create', Data: { OrderId: 7 }, Metadata: { fileName: 'order.json' } });
  expect(r.status).toBe(200);
  expect(JSON.parse(readFileSync(join(files.path, 'order.json'), 'utf8'))).toEqual({ OrderId: 7 });
});
