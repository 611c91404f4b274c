/**
 * state.postgresql against the real server at 127.0.0.1:5432 (skipped with a visible line when it is
 * missing, a failure under CI=true): the shared state contract, plus metadata and connection
 * strings, values as jsonb keeps them, cleanup of expired rows, races between instances, query
 * details and recovery. Each run uses its own randomly named tables and drops them afterwards.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { freePort, runStateContract, waitFor } from '@minidapr/testkit';
import { PG_TEST_CONN as CONN, usePostgres } from '../../../../test/support/postgres';
import { ETagInvalidError, ETagMismatchError, MetadataError } from '../../errors';
import { createPostgresStateStore, type PostgresStateStore } from '.';
import { parseConnectionString } from './metadata';

jest.setTimeout(20000);

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const app = { appId: 'app', cwd: '.' };
const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
const TABLE = `state_${suffix}`;
const META = `state_meta_${suffix}`;
const stores: PostgresStateStore[] = [];
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const db = usePostgres({
  beforeDrop: async () => {
    for (const s of stores) await s.close();
  },
});
db.dropAfterAll(TABLE);
db.dropAfterAll(META);
const pgIt = db.it;

let store: PostgresStateStore;

async function open(metadata: Record<string, string> = {}): Promise<PostgresStateStore> {
  const s = createPostgresStateStore(ctx);
  stores.push(s);
  await s.init({ connectionString: CONN, tableName: TABLE, metadataTableName: META, cleanupInterval: '0', ...metadata }, app);
  return s;
}

beforeAll(async () => {
  if (db.up) store = await open();
});

runStateContract({
  name: 'state.postgresql',
  factory: () => createPostgresStateStore(ctx),
  metadata: { connectionString: CONN, tableName: TABLE, metadataTableName: META, cleanupInterval: '0' },
  context: () => app,
  available: () => db.up, // usePostgres printed the SKIPPED line (or failed under CI=true)
  badEtag: 'not-a-uuid',
  expectedFeatures: ['ETAG', 'QUERY_API', 'TRANSACTIONAL', 'TTL'],
});

describe('metadata', () => {
  it('names the component and the field', async () => {
    const s = createPostgresStateStore(ctx);
    await expect(s.init({}, app)).rejects.toMatchObject({ name: 'MetadataError', field: 'connectionString' });
    await expect(s.init({ connectionString: CONN, timeout: 'soon' }, app)).rejects.toMatchObject({ field: 'timeout' });
    await expect(s.init({ connectionString: CONN, tableName: 'x; DROP TABLE y' }, app)).rejects.toMatchObject({ field: 'tableName' });
    await expect(s.init({ connectionString: CONN, maxConns: '0' }, app)).rejects.toMatchObject({ field: 'maxConns' });
    await expect(s.init({ connectionString: 'host=a sslmode=bogus' }, app)).rejects.toBeInstanceOf(MetadataError);
  });

  it('parses keyword/value and URL connection strings, never showing the password', () => {
    const kv = parseConnectionString('c', "host=db port=5433 user=me password='it\\'s x' dbname=app sslmode=require connect_timeout=10");
    expect(kv).toMatchObject({ host: 'db', port: 5433, user: 'me', password: "it's x", database: 'app', ssl: { rejectUnauthorized: false } });
    expect(kv.display).toBe('me@db:5433/app');
    const url = parseConnectionString('c', 'postgres://me:s%40cret@127.0.0.1:5432/test?sslmode=disable');
    expect(url).toMatchObject({ host: '127.0.0.1', port: 5432, user: 'me', password: 's@cret', database: 'test', ssl: false });
    expect(url.display).not.toContain('cret');
  });

  it('fails init with a message naming the target (not the password) when nothing listens', async () => {
    const port = await freePort();
    const s = createPostgresStateStore(ctx);
    const err = (await s.init({ connectionString: `host=127.0.0.1 port=${port} user=postgres password=hunter2 dbname=test`, timeout: '2s' }, app).catch((e) => e)) as Error;
    expect(err.message).toContain(`postgres@127.0.0.1:${port}/test`);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).not.toContain('hunter2');
  });
});

describe('state.postgresql', () => {
  pgIt('round-trips values byte for byte', async () => {
    const values = ['"hello"', '""', '42', '-0.5e10', 'true', 'null', '[1, 2,3]', '{"b": 1, "a": {"z": [true, null], "y": "é😀"}}', '"nul \\u0000 inside"', '"lone \\ud800"', '1.00000000000000000001'];
    for (const [i, text] of values.entries()) await store.set({ key: `rt||${i}`, value: Buffer.from(text) });
    for (const [i, text] of values.entries()) expect((await store.get({ key: `rt||${i}` }))?.data.toString()).toBe(text);
    const binary = Buffer.from([0x01, 0xff, 0x00, 0x7b]);
    await store.set({ key: 'rt||bin', value: binary });
    expect((await store.get({ key: 'rt||bin' }))?.data.equals(binary)).toBe(true);
    expect(await store.get({ key: 'rt||missing' })).toBeUndefined();
  });

  pgIt('uses UUID etags: a number is a malformed etag', async () => {
    await store.set({ key: 'e||k', value: json('a') });
    expect((await store.get({ key: 'e||k' }))?.etag).toMatch(/^[0-9a-f-]{36}$/);
    await expect(store.set({ key: 'e||k', value: json('b'), etag: '9999999' })).rejects.toBeInstanceOf(ETagInvalidError);
    await expect(store.set({ key: 'e||k', value: json('b'), etag: randomUUID() })).rejects.toBeInstanceOf(ETagMismatchError);
  });

  pgIt('first-write: an empty etag counts as none', async () => {
    const fw = { concurrency: 'first-write' as const };
    await store.set({ key: 'fw||k', value: json(1), options: fw });
    await expect(store.set({ key: 'fw||k', value: json(2), etag: '', options: fw })).rejects.toBeInstanceOf(ETagMismatchError);
    expect((await store.get({ key: 'fw||k' }))?.data.toString()).toBe('1');
  });

  pgIt('hides expired keys, lets first-write replace them, and the cleanup deletes them', async () => {
    await store.set({ key: 'ttl||gone', value: json('x'), metadata: { ttlInSeconds: '1' } });
    expect(await store.get({ key: 'ttl||gone' })).toBeDefined();
    await waitFor('the key to expire', async () => (await store.get({ key: 'ttl||gone' })) === undefined, { timeoutMs: 3000, intervalMs: 100 });
    const rows = async () => (await db.admin.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE key = 'ttl||gone'`)).rows[0].n as number;
    expect(await rows()).toBe(1);
    const cleaner = await open({ cleanupInterval: '100ms' });
    await waitFor('the cleanup to delete the expired row', async () => (await rows()) === 0, { timeoutMs: 5000, intervalMs: 50 });
    await cleaner.close();

    await store.set({ key: 'ttl||fw', value: json(1), metadata: { ttlInSeconds: '1' } });
    await waitFor('the key to expire', async () => (await store.get({ key: 'ttl||fw' })) === undefined, { timeoutMs: 3000, intervalMs: 100 });
    await store.set({ key: 'ttl||fw', value: json(2), options: { concurrency: 'first-write' } });
    expect((await store.get({ key: 'ttl||fw' }))?.data.toString()).toBe('2');
  });

  pgIt('lets exactly one of two instances win a first-write race, and both create the table at once', async () => {
    const table = `race_${suffix}`;
    db.dropAfterAll(table);
    const md = { connectionString: CONN, tableName: table, metadataTableName: META, cleanupInterval: '0' };
    const [a, b] = [createPostgresStateStore(ctx), createPostgresStateStore(ctx)];
    stores.push(a, b);
    await Promise.all([a.init(md, app), b.init(md, app)]);
    const fw = { concurrency: 'first-write' as const };
    for (let i = 0; i < 10; i++) {
      const results = await Promise.allSettled([a, b, a, b].map((s, n) => s.set({ key: `race||${i}`, value: json(n), options: fw })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ETagMismatchError);
    }
  });

  describe('query', () => {
    const people = [
      { id: 1, person: { org: 'Dev Ops', id: 1036 }, city: 'Seattle', state: 'WA', score: 12.5 },
      { id: 2, person: { org: 'Hardware', id: 1028 }, city: 'Portland', state: 'OR', score: 0.5 },
      { id: 3, person: { org: 'Finance', id: 1071 }, city: 'Sacramento', state: 'CA', score: 7 },
      { id: 4, person: { org: 'Dev Ops', id: 1042 }, city: 'Spokane', state: 'WA', score: 30 },
      { id: 5, person: { org: 'Hardware', id: 1007 }, city: 'Los Angeles', state: 'CA', score: '9' },
    ];
    const ids = (r: { results: Array<{ data: Buffer }> }) => r.results.map((x) => (JSON.parse(x.data.toString()) as { id: number }).id);
    const q = (filter: unknown, extra: object = {}) => store.query({ keyPrefix: 'qa||', filter: filter as never, ...extra });

    beforeAll(async () => {
      if (!db.up) return;
      for (const p of people) await store.set({ key: `qa||p${p.id}`, value: json(p) });
      await store.set({ key: 'qb||p9', value: json({ ...people[0], id: 9 }) });
      await store.set({ key: 'q_||p8', value: json({ ...people[0], id: 8 }) });
      await store.set({ key: 'qa||bin', value: Buffer.from([0xff]) });
    });

    pgIt('skips a string where a numeric comparison expects a number', async () => {
      // score "9" is a string, so numeric comparisons skip it instead of failing.
      expect(ids(await q({ GTE: { score: 7 } }, { sort: [{ key: 'score', order: 'DESC' }] }))).toEqual([4, 1, 3]);
      expect(ids(await q({ EQ: { 'person.id': 1071 } }))).toEqual([3]);
    });

    pgIt('rejects bad input with a clear error', async () => {
      await expect(q({ XOR: { a: 1 } })).rejects.toThrow(/unknown filter operator/);
      await expect(q({ GT: { a: true } })).rejects.toThrow(/number or a string/);
      await expect(q(undefined, { page: { limit: 1, token: "1; DROP TABLE x" } })).rejects.toThrow(/token/);
    });
  });

  pgIt('fails clearly while PostgreSQL is unreachable and recovers by itself', async () => {
    // A TCP proxy in front of the server stands in for PostgreSQL going away and coming back.
    const port = await freePort();
    const sockets = new Set<net.Socket>();
    const proxy = () =>
      net.createServer((client) => {
        const server = net.connect(5432, '127.0.0.1');
        for (const s of [client, server]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(server).pipe(client);
      });
    const listen = (srv: net.Server) => new Promise<void>((resolve) => srv.listen(port, '127.0.0.1', resolve));
    let srv = proxy();
    await listen(srv);
    const s = await open({ connectionString: `postgres://postgres@127.0.0.1:${port}/test`, timeout: '2s' });
    await s.set({ key: 'r||k', value: json('before') });

    await new Promise<void>((resolve) => {
      srv.close(() => resolve());
      for (const sock of sockets) sock.destroy();
    });
    await expect(waitFor('a call to fail', () => s.get({ key: 'r||k' }).then(() => false, (e: Error) => e))).resolves.toMatchObject({
      message: expect.stringContaining(`PostgreSQL at postgres@127.0.0.1:${port}/test`),
    });
    await expect(s.set({ key: 'r||k', value: json('during') })).rejects.toThrow(/ECONNREFUSED/);

    srv = proxy();
    await listen(srv);
    const back = await waitFor('the store to recover', () => s.get({ key: 'r||k' }).catch(() => undefined), { timeoutMs: 5000 });
    expect(back.data.toString()).toBe('"before"');
    await s.close();
    await new Promise<void>((resolve) => {
      srv.close(() => resolve());
      for (const sock of sockets) sock.destroy();
    });
  });
});
