/**
 * Scenario: a sidecar with a state.postgresql component, driven over HTTP: save/get/delete, 409 on
 * a wrong etag (value unchanged), 400 on a non-UUID etag, and a transaction with a stale etag that
 * changes nothing (500 ERR_STATE_TRANSACTION). Uses its own randomly named tables, dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { componentYaml, requireService, startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
const TABLE = `state_it_${suffix}`;
const META = `state_it_meta_${suffix}`;

let up = false;
let sidecar: Sidecar | undefined;

function pgIt(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    if (up) await fn();
  });
}

const url = (path = '') => `${sidecar?.url}/v1.0/state/statestore${path}`;
const post = (path: string, body: unknown) =>
  fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  up = await requireService('PostgreSQL', '127.0.0.1', 5432);
  if (!up) return;
  sidecar = await startSidecar({
    appId: 'pgapp',
    resources: {
      'statestore.yaml': componentYaml('statestore', 'state.postgresql', {
        connectionString: 'host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable',
        tableName: TABLE,
        metadataTableName: META,
      }),
    },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
  if (!up) return;
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await admin.connect();
  try {
    for (const t of [TABLE, META]) await admin.query(`DROP TABLE IF EXISTS ${t}`);
  } finally {
    await admin.end();
  }
});

pgIt('saves, reads back verbatim with an ETag, and deletes', async () => {
  expect((await post('', [{ key: 'order1', value: { orderId: 1, items: ['a', 'b'] } }, { key: 'greeting', value: 'hello' }])).status).toBe(204);
  const r = await fetch(url('/order1'));
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('{"orderId":1,"items":["a","b"]}');
  expect(r.headers.get('etag')).toMatch(/^[0-9a-f-]{36}$/);
  expect(await (await fetch(url('/greeting'))).text()).toBe('"hello"');
  expect((await fetch(url('/order1'), { method: 'DELETE' })).status).toBe(204);
  expect((await fetch(url('/order1'))).status).toBe(204);
});

pgIt('answers 409 on a wrong etag and 400 on a non-UUID one, leaving the value unchanged', async () => {
  await post('', [{ key: 'k', value: 'v1' }]);
  const etag = (await fetch(url('/k'))).headers.get('etag') as string;
  const wrong = await post('', [{ key: 'k', value: 'v2', etag: randomUUID() }]);
  expect(wrong.status).toBe(409);
  expect(((await wrong.json()) as { errorCode: string }).errorCode).toBe('ERR_STATE_SAVE');
  expect((await post('', [{ key: 'k', value: 'v2', etag: '12345' }])).status).toBe(400);
  expect((await fetch(url('/k'), { method: 'DELETE', headers: { 'if-match': randomUUID() } })).status).toBe(409);
  const r = await fetch(url('/k'));
  expect(await r.text()).toBe('"v1"');
  expect(r.headers.get('etag')).toBe(etag);
  expect((await post('', [{ key: 'k', value: 'v2', etag }])).status).toBe(204);
  expect(await (await fetch(url('/k'))).text()).toBe('"v2"');
});

pgIt('a transaction with a stale etag changes nothing', async () => {
  await post('', [{ key: 'acct', value: 100 }]);
  const stale = (await fetch(url('/acct'))).headers.get('etag') as string;
  await post('', [{ key: 'acct', value: 90 }]);
  const r = await post('/transaction', {
    operations: [
      { operation: 'upsert', request: { key: 'audit', value: 'debit 10' } },
      { operation: 'upsert', request: { key: 'acct', value: 80, etag: stale } },
    ],
  });
  expect(r.status).toBe(500);
  expect(((await r.json()) as { errorCode: string }).errorCode).toBe('ERR_STATE_TRANSACTION');
  expect((await fetch(url('/audit'))).status).toBe(204);
  expect(await (await fetch(url('/acct'))).text()).toBe('90');

  const ok = await post('/transaction', {
    operations: [
      { operation: 'upsert', request: { key: 'audit', value: 'debit 10' } },
      { operation: 'delete', request: { key: 'acct' } },
    ],
  });
  expect(ok.status).toBe(204);
  expect(await (await fetch(url('/audit'))).text()).toBe('"debit 10"');
  expect((await fetch(url('/acct'))).status).toBe(204);
});

pgIt('answers the alpha query API with unprefixed keys, filtering, sorting and paging', async () => {
  await post('', [
    { key: 'c1', value: { kind: 'cust', state: 'WA', n: 3 } },
    { key: 'c2', value: { kind: 'cust', state: 'CA', n: 1 } },
    { key: 'c3', value: { kind: 'cust', state: 'WA', n: 2 } },
  ]);
  const query = (body: unknown) =>
    fetch(`${sidecar?.url}/v1.0-alpha1/state/statestore/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const filter = { AND: [{ EQ: { kind: 'cust' } }, { IN: { state: ['WA', 'CA'] } }] };
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const r = await query({ filter, sort: [{ key: 'n', order: 'DESC' }], page: { limit: 2, ...(token ? { token } : {}) } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { results: Array<{ key: string; data: { n: number }; etag: string }>; token?: string };
    keys.push(...body.results.map((x) => x.key));
    token = body.token;
  } while (token);
  expect(keys).toEqual(['c1', 'c3', 'c2']);
  expect((await query({ filter: { EQ: { state: 'NY' } } })).status).toBe(204);
});
