/**
 * state.postgresql against the real server at 127.0.0.1:5432 (skipped with a visible line when it is
 * missing). Each run uses its own randomly named tables and drops them afterwards.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { freePort, waitFor } from '@minidapr/testkit';
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
  pgIt('advertises its features', async () => {
    expect([...store.features()].sort()).toEqual(['ETAG', 'QUERY_API', 'TRANSACTIONAL', 'TTL']);
  });

  pgIt('round-trips values byte for byte', async () => {
    const values = ['"hello"', '""', '42', '-0.5e10', 'true', 'null', '[1, 2,3]', '{"b": 1, "a": {"z": [true, null], "y": "é😀"}}', '"nul \\u0000 inside"', '"lone \\ud800"', '1.00000000000000000001'];
    for (const [i, text] of values.entries()) await store.set({ key: `rt||${i}`, value: Buffer.from(text) });
    for (const [i, text] of values.entries()) expect((await store.get({ key: `rt||${i}` }))?.data.toString()).toBe(text);
    const binary = Buffer.from([0x01, 0xff, 0x00, 0x7b]);
    await store.set({ key: 'rt||bin', value: binary });
    expect((await store.get({ key: 'rt||bin' }))?.data.equals(binary)).toBe(true);
    expect(await store.get({ key: 'rt||missing' })).toBeUndefined();
  });

  pgIt('checks etags: UUID per write, mismatch leaves the value, non-UUID is invalid', async () => {
    await store.set({ key: 'e||k', value: json('a') });
    const first = (await store.get({ key: 'e||k' }))?.etag as string;
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    await expect(store.set({ key: 'e||k', value: json('b'), etag: randomUUID() })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(store.set({ key: 'e||k', value: json('b'), etag: '9999999' })).rejects.toBeInstanceOf(ETagInvalidError);
    expect((await store.get({ key: 'e||k' }))?.data.toString()).toBe('"a"');
    await store.set({ key: 'e||k', value: json('b'), etag: first });
    const second = (await store.get({ key: 'e||k' }))?.etag;
    expect(second).not.toBe(first);
    await expect(store.set({ key: 'e||k', value: json('c'), etag: first })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(store.set({ key: 'e||nokey', value: json('c'), etag: first })).rejects.toBeInstanceOf(ETagMismatchError);
    expect(await store.get({ key: 'e||nokey' })).toBeUndefined();
  });

  pgIt('first-write: the first set wins, a second without (or with an empty) etag fails', async () => {
    const fw = { concurrency: 'first-write' as const };
    await store.set({ key: 'fw||k', value: json(1), options: fw });
    await expect(store.set({ key: 'fw||k', value: json(2), options: fw })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(store.set({ key: 'fw||k', value: json(2), etag: '', options: fw })).rejects.toBeInstanceOf(ETagMismatchError);
    const etag = (await store.get({ key: 'fw||k' }))?.etag as string;
    await store.set({ key: 'fw||k', value: json(3), etag, options: fw });
    await expect(store.set({ key: 'fw||k', value: json(4), etag, options: fw })).rejects.toBeInstanceOf(ETagMismatchError);
    expect((await store.get({ key: 'fw||k' }))?.data.toString()).toBe('3');
  });

  pgIt('deletes, with and without etags', async () => {
    await store.delete({ key: 'd||never' });
    await store.set({ key: 'd||k', value: json('x') });
    await expect(store.delete({ key: 'd||k', etag: randomUUID() })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(store.delete({ key: 'd||k', etag: 'bad' })).rejects.toBeInstanceOf(ETagInvalidError);
    const etag = (await store.get({ key: 'd||k' }))?.etag as string;
    await store.delete({ key: 'd||k', etag });
    expect(await store.get({ key: 'd||k' })).toBeUndefined();
    await expect(store.delete({ key: 'd||k', etag })).rejects.toBeInstanceOf(ETagMismatchError);
  });

  pgIt('applies transactions in order', async () => {
    await store.set({ key: 't||k1', value: json('v1') });
    await store.multi([
      { operation: 'delete', request: { key: 't||k1' } },
      { operation: 'upsert', request: { key: 't||k2', value: json('v2') } },
      { operation: 'delete', request: { key: 't||k2' } },
      { operation: 'upsert', request: { key: 't||k3', value: json('v3') } },
      { operation: 'delete', request: { key: 't||never' } },
    ]);
    expect(await store.get({ key: 't||k1' })).toBeUndefined();
    expect(await store.get({ key: 't||k2' })).toBeUndefined();
    expect((await store.get({ key: 't||k3' }))?.data.toString()).toBe('"v3"');
  });

  pgIt('rolls a transaction back entirely when any operation fails', async () => {
    await store.set({ key: 't||keep', value: json('old') });
    const etag = (await store.get({ key: 't||keep' }))?.etag as string;
    const failing = async (last: { key: string; etag: string }) =>
      store.multi([
        { operation: 'upsert', request: { key: 't||new', value: json('n') } },
        { operation: 'upsert', request: { key: 't||keep', value: json('changed'), etag } },
        { operation: 'delete', request: last },
      ]);
    await expect(failing({ key: 't||keep', etag: randomUUID() })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(failing({ key: 't||keep', etag: 'not-a-uuid' })).rejects.toBeInstanceOf(ETagInvalidError);
    expect(await store.get({ key: 't||new' })).toBeUndefined();
    expect(await store.get({ key: 't||keep' })).toMatchObject({ etag, data: json('old') });
  });

  pgIt('sets, reports and clears TTLs', async () => {
    await store.set({ key: 'ttl||k', value: json('x'), metadata: { ttlInSeconds: '3600' } });
    const expire = (await store.get({ key: 'ttl||k' }))?.metadata?.ttlExpireTime as string;
    expect(expire).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(expire) - (Date.now() + 3600_000))).toBeLessThan(600_000);
    await store.set({ key: 'ttl||k', value: json('y') });
    expect((await store.get({ key: 'ttl||k' }))?.metadata).toBeUndefined();
    await store.set({ key: 'ttl||k', value: json('z'), metadata: { ttlInSeconds: '3600' } });
    await store.set({ key: 'ttl||k', value: json('z'), metadata: { ttlInSeconds: '-1' } });
    expect((await store.get({ key: 'ttl||k' }))?.metadata).toBeUndefined();
    await expect(store.set({ key: 'ttl||k', value: json('z'), metadata: { ttlInSeconds: 'foo' } })).rejects.toThrow(/ttlInSeconds/);
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

    pgIt('filters with EQ on nested paths and returns prefixed keys with etags', async () => {
      const r = await q({ EQ: { 'person.org': 'Dev Ops' } }, { sort: [{ key: 'person.id' }] });
      expect(ids(r)).toEqual([1, 4]);
      expect(r.results[0]).toMatchObject({ key: 'qa||p1', etag: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(r.token).toBeUndefined();
    });

    pgIt('supports IN, AND, OR, NEQ and numeric comparisons', async () => {
      expect(ids(await q({ IN: { state: ['CA', 'OR'] } }, { sort: [{ key: 'id' }] }))).toEqual([2, 3, 5]);
      expect(ids(await q({ AND: [{ EQ: { state: 'WA' } }, { GT: { score: 20 } }] }))).toEqual([4]);
      const or = { OR: [{ AND: [{ GT: { score: 11.1 } }, { NEQ: { city: 'Spokane' } }] }, { LTE: { score: 0.5 } }] };
      expect(ids(await q(or, { sort: [{ key: 'id' }] }))).toEqual([1, 2]);
      // score "9" is a string, so numeric comparisons skip it instead of failing.
      expect(ids(await q({ GTE: { score: 7 } }, { sort: [{ key: 'score', order: 'DESC' }] }))).toEqual([4, 1, 3]);
      expect(ids(await q({ EQ: { 'person.id': 1071 } }))).toEqual([3]);
      expect(ids(await q({ IN: { state: [] } }))).toEqual([]);
    });

    pgIt('sorts and pages with an opaque token', async () => {
      const sort = [{ key: 'state', order: 'DESC' as const }, { key: 'person.id', order: 'ASC' as const }];
      const seen: number[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const r = await q(undefined, { sort, page: { limit: 2, token } });
        seen.push(...ids(r));
        token = r.token;
        pages++;
      } while (token);
      expect(seen).toEqual([1, 4, 2, 5, 3]);
      expect(pages).toBe(3);
    });

    pgIt('treats LIKE wildcards in the key prefix literally and rejects bad input', async () => {
      const r = await store.query({ keyPrefix: 'q_||' });
      expect(r.results.map((x) => x.key)).toEqual(['q_||p8']);
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
