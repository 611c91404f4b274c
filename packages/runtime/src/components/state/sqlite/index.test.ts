import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ETagMismatchError, MetadataError } from '../../errors';
import { isQueryable, isTransactional } from '../contract';
import { createSqliteStateStore, parseSqliteMetadata, type SqliteStateStore } from '.';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
const v = (x: unknown) => Buffer.from(JSON.stringify(x));
const json = (b: Buffer | undefined) => (b ? JSON.parse(b.toString('utf8')) : undefined);

let dir: string;
const open: SqliteStateStore[] = [];

async function store(metadata: Record<string, string> = {}): Promise<SqliteStateStore> {
  const s = createSqliteStateStore({ logger });
  await s.init({ connectionString: 'state.db', ...metadata }, { appId: 'app', cwd: dir });
  open.push(s);
  return s;
}

async function waitUntil(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'minidapr-sqlite-unit-'));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('state.sqlite metadata', () => {
  it('requires connectionString and names the field', async () => {
    const s = createSqliteStateStore({ logger });
    const err = await s.init({}, { appId: 'a', cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetadataError);
    expect((err as MetadataError).field).toBe('connectionString');
    expect((err as Error).message).toContain('state.sqlite');
  });

  it('rejects bad durations and table names, naming the field', () => {
    const bad = (raw: Record<string, string>) => {
      try {
        parseSqliteMetadata({ connectionString: 'x.db', ...raw }, dir);
      } catch (err) {
        return (err as MetadataError).field;
      }
      return 'no error';
    };
    expect(bad({ busyTimeout: 'soon' })).toBe('busyTimeout');
    expect(bad({ cleanupInterval: 'often' })).toBe('cleanupInterval');
    expect(bad({ timeout: 'x' })).toBe('timeout');
    expect(bad({ tableName: 'state; DROP TABLE x' })).toBe('tableName');
    expect(bad({ metadataTableName: 'a-b' })).toBe('metadataTableName');
    expect(bad({ tableName: 'same', metadataTableName: 'same' })).toBe('metadataTableName');
  });

  it("uses Dapr's defaults and resolves paths and file: URIs against cwd", () => {
    const c = parseSqliteMetadata({ connectionString: 'data/state.db' }, dir);
    expect(c).toMatchObject({
      file: join(dir, 'data', 'state.db'),
      tableName: 'state',
      metadataTableName: 'metadata',
      cleanupIntervalMs: 3600000,
      busyTimeoutMs: 2000,
      timeoutMs: 20000,
      disableWAL: false,
    });
    expect(parseSqliteMetadata({ connectionString: 'file:my%20db.db?_pragma=foo(1)' }, dir).file).toBe(join(dir, 'my db.db'));
    expect(parseSqliteMetadata({ connectionString: `file://${join(dir, 'abs.db')}` }, '/elsewhere').file).toBe(join(dir, 'abs.db'));
    expect(parseSqliteMetadata({ connectionString: 'file:x.db?mode=memory' }, dir).file).toBe(':memory:');
    expect(parseSqliteMetadata({ connectionString: ':memory:' }, dir).file).toBe(':memory:');
    expect(parseSqliteMetadata({ connectionString: 'x.db', cleanupInterval: '-1' }, dir).cleanupIntervalMs).toBe(0);
    expect(parseSqliteMetadata({ connectionString: 'x.db', cleanupInterval: '30' }, dir).cleanupIntervalMs).toBe(30000);
  });

  it('creates parent directories and uses WAL', async () => {
    const s = await store({ connectionString: 'nested/deeper/state.db' });
    await s.set({ key: 'k', value: v(1) });
    const file = join(dir, 'nested', 'deeper', 'state.db');
    expect(existsSync(file)).toBe(true);
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('works in memory and advertises its features', async () => {
    const s = await store({ connectionString: ':memory:' });
    await s.set({ key: 'k', value: v('a') });
    expect(json((await s.get({ key: 'k' }))?.data)).toBe('a');
    expect(s.features()).toEqual(['ETAG', 'TRANSACTIONAL', 'TTL', 'QUERY_API']);
    expect(isTransactional(s)).toBe(true);
    expect(isQueryable(s)).toBe(true);
  });
});

describe('state.sqlite CRUD and etags', () => {
  it('round-trips bytes verbatim, with a fresh etag per write', async () => {
    const s = await store();
    await s.set({ key: 'app||json', value: v({ a: [1, 2], b: 'x' }) });
    const first = await s.get({ key: 'app||json' });
    expect(first?.data.toString()).toBe('{"a":[1,2],"b":"x"}');
    expect(first?.etag).toMatch(/^[0-9a-f-]{36}$/);
    expect(first?.metadata).toBeUndefined();
    await s.set({ key: 'app||json', value: v('"quoted"') });
    const second = await s.get({ key: 'app||json' });
    expect(json(second?.data)).toBe('"quoted"');
    expect(second?.etag).not.toBe(first?.etag);

    const bytes = Buffer.from([0x00, 0xff, 0x01, 0x80]);
    await s.set({ key: 'bin', value: bytes });
    expect((await s.get({ key: 'bin' }))?.data.equals(bytes)).toBe(true);
    await s.set({ key: 'text', value: Buffer.from('not json') });
    expect((await s.get({ key: 'text' }))?.data.toString()).toBe('not json');
    await s.set({ key: 'empty', value: Buffer.alloc(0) });
    expect((await s.get({ key: 'empty' }))?.data.length).toBe(0);

    await s.delete({ key: 'app||json' });
    expect(await s.get({ key: 'app||json' })).toBeUndefined();
    await s.delete({ key: 'never-existed' });
  });

  it('enforces etags on set and delete', async () => {
    const s = await store();
    await expect(s.set({ key: 'k', value: v(1), etag: 'nope' })).rejects.toBeInstanceOf(ETagMismatchError);
    await s.set({ key: 'k', value: v(1) });
    const etag = (await s.get({ key: 'k' }))?.etag as string;
    await expect(s.set({ key: 'k', value: v(2), etag: 'nope' })).rejects.toBeInstanceOf(ETagMismatchError);
    expect(json((await s.get({ key: 'k' }))?.data)).toBe(1);
    await s.set({ key: 'k', value: v(2), etag });
    const etag2 = (await s.get({ key: 'k' }))?.etag as string;
    expect(etag2).not.toBe(etag);
    await expect(s.set({ key: 'k', value: v(3), etag })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(s.delete({ key: 'k', etag })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(s.delete({ key: 'missing', etag })).rejects.toBeInstanceOf(ETagMismatchError);
    await s.delete({ key: 'k', etag: etag2 });
    expect(await s.get({ key: 'k' })).toBeUndefined();
  });

  it('first-write: only the first write without an etag wins; with an etag it must match', async () => {
    const s = await store();
    const fw = { concurrency: 'first-write' as const, consistency: 'strong' as const };
    await s.set({ key: 'k', value: v(1), options: fw });
    await expect(s.set({ key: 'k', value: v(2), options: fw })).rejects.toBeInstanceOf(ETagMismatchError);
    const etag = (await s.get({ key: 'k' }))?.etag as string;
    await s.set({ key: 'k', value: v(3), etag, options: fw });
    await expect(s.set({ key: 'k', value: v(4), etag, options: fw })).rejects.toBeInstanceOf(ETagMismatchError);
    expect(json((await s.get({ key: 'k' }))?.data)).toBe(3);
  });
});

describe('state.sqlite transactions', () => {
  it('applies operations in order', async () => {
    const s = await store();
    await s.set({ key: 'k1', value: v('value1') });
    await s.multi([
      { operation: 'delete', request: { key: 'k1' } },
      { operation: 'upsert', request: { key: 'k2', value: v('value2') } },
      { operation: 'delete', request: { key: 'k2' } },
      { operation: 'upsert', request: { key: 'k3', value: v('value3') } },
      { operation: 'delete', request: { key: 'never' } },
    ]);
    expect(await s.get({ key: 'k1' })).toBeUndefined();
    expect(await s.get({ key: 'k2' })).toBeUndefined();
    expect(json((await s.get({ key: 'k3' }))?.data)).toBe('value3');
    await s.multi([]);
  });

  it('is all or nothing when an etag does not match', async () => {
    const s = await store();
    await s.set({ key: 'keep', value: v('old') });
    const etag = (await s.get({ key: 'keep' }))?.etag as string;
    await expect(
      s.multi([
        { operation: 'upsert', request: { key: 'a', value: v(1) } },
        { operation: 'upsert', request: { key: 'keep', value: v('new'), etag } },
        { operation: 'delete', request: { key: 'b', etag: 'missing' } },
      ]),
    ).rejects.toBeInstanceOf(ETagMismatchError);
    expect(await s.get({ key: 'a' })).toBeUndefined();
    expect(await s.get({ key: 'keep' })).toMatchObject({ etag });
    await expect(
      s.multi([
        { operation: 'upsert', request: { key: 'a', value: v(1) } },
        { operation: 'upsert', request: { key: 'bad-ttl', value: v(1), metadata: { ttlInSeconds: 'soon' } } },
      ]),
    ).rejects.toThrow(/ttlInSeconds/);
    expect(await s.get({ key: 'a' })).toBeUndefined();
  });

  it('checks each etag against the state left by the earlier operations', async () => {
    const s = await store();
    await s.set({ key: 'k', value: v(1) });
    const etag = (await s.get({ key: 'k' }))?.etag as string;
    await expect(
      s.multi([
        { operation: 'upsert', request: { key: 'k', value: v(2), etag } },
        { operation: 'upsert', request: { key: 'k', value: v(3), etag } },
      ]),
    ).rejects.toBeInstanceOf(ETagMismatchError);
    expect(json((await s.get({ key: 'k' }))?.data)).toBe(1);
  });
});

describe('state.sqlite TTL', () => {
  it('reports ttlExpireTime as RFC 3339 UTC and removes the expiry on -1 or a plain overwrite', async () => {
    const s = await store();
    await s.set({ key: 'k', value: v(1), metadata: { ttlInSeconds: '3600' } });
    const got = await s.get({ key: 'k' });
    const at = got?.metadata?.ttlExpireTime as string;
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(at) - (Date.now() + 3600_000))).toBeLessThan(60_000);
    await s.set({ key: 'k', value: v(2), metadata: { ttlInSeconds: '-1' } });
    expect((await s.get({ key: 'k' }))?.metadata).toBeUndefined();
    await s.set({ key: 'k', value: v(3), metadata: { ttlInSeconds: '3600' } });
    await s.set({ key: 'k', value: v(4) });
    expect((await s.get({ key: 'k' }))?.metadata).toBeUndefined();
  });

  it('rejects invalid ttlInSeconds values with a plain error', async () => {
    const s = await store();
    for (const bad of ['foo', '0', '-2', '1.5']) {
      const err = await s.set({ key: 'k', value: v(1), metadata: { ttlInSeconds: bad } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(ETagMismatchError);
      expect((err as Error).message).toContain('ttlInSeconds');
    }
    expect(await s.get({ key: 'k' })).toBeUndefined();
  });

  it('hides expired keys at once, lets first-write reuse them, and the cleanup deletes them', async () => {
    const file = join(dir, 'state.db');
    const s = await store({ cleanupInterval: '100ms' });
    await s.set({ key: 'short', value: v(1), metadata: { ttlInSeconds: '1' } });
    await s.set({ key: 'long', value: v(2), metadata: { ttlInSeconds: '3600' } });
    expect(await s.get({ key: 'short' })).toBeDefined();
    await waitUntil('the short key to expire', async () => (await s.get({ key: 'short' })) === undefined);
    const raw = new Database(file, { readonly: true });
    try {
      const count = raw.prepare('SELECT count(*) AS n FROM state WHERE key = ?');
      await waitUntil('the cleanup to delete the expired row', () => (count.get('short') as { n: number }).n === 0);
      expect((count.get('long') as { n: number }).n).toBe(1);
      expect((raw.prepare("SELECT value FROM metadata WHERE key = 'last-cleanup-state'").get() as { value: string }).value).toMatch(/^\d{4}-/);
    } finally {
      raw.close();
    }
    // An expired row does not block first-write, nor does its etag still match.
    await s.set({ key: 'again', value: v(1), metadata: { ttlInSeconds: '1' } });
    const etag = (await s.get({ key: 'again' }))?.etag as string;
    await waitUntil('the key to expire', async () => (await s.get({ key: 'again' })) === undefined);
    await expect(s.set({ key: 'again', value: v(2), etag })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(s.delete({ key: 'again', etag })).rejects.toBeInstanceOf(ETagMismatchError);
    await s.set({ key: 'again', value: v(3), options: { concurrency: 'first-write' } });
    expect(json((await s.get({ key: 'again' }))?.data)).toBe(3);
  });

  it('skips a cleanup another process ran within the interval', async () => {
    const a = await store({ cleanupInterval: '1h' });
    const b = await store({ cleanupInterval: '1h' });
    expect(a.cleanupExpired()).toBe(0);
    const raw = new Database(join(dir, 'state.db'));
    raw.prepare("INSERT INTO state (key, value, is_binary, etag, expiration_time) VALUES ('old', '1', 0, 'e', '2000-01-01T00:00:00.000Z')").run();
    raw.close();
    expect(await b.get({ key: 'old' })).toBeUndefined();
    expect(b.cleanupExpired()).toBe(0);
    expect(b.cleanupExpired(true)).toBe(1);
  });
});

describe('state.sqlite query', () => {
  const people = [
    { key: 'app||1', value: { person: { org: 'Dev Ops', id: 1036 }, city: 'Seattle', state: 'WA', n: 1.5, active: true } },
    { key: 'app||2', value: { person: { org: 'Hardware', id: 1028 }, city: 'Portland', state: 'OR', n: 11.2, active: false } },
    { key: 'app||3', value: { person: { org: 'Finance', id: 1071 }, city: 'Sacramento', state: 'CA', n: 0.5, active: true } },
    { key: 'app||4', value: { person: { org: 'Dev Ops', id: 1042 }, city: 'Spokane', state: 'WA', n: 20, active: true } },
    { key: 'app||5', value: { person: { org: 'Dev Ops', id: 1007 }, city: 'San Diego', state: 'CA', n: 7, active: false } },
    { key: 'other||6', value: { person: { org: 'Dev Ops', id: 1 }, state: 'WA' } },
  ];
  let s: SqliteStateStore;

  beforeEach(async () => {
    s = await store();
    for (const p of people) await s.set({ key: p.key, value: v(p.value) });
    await s.set({ key: 'app||bin', value: Buffer.from([0xff, 0x00]) });
    await s.set({ key: 'app||scalar', value: v('just a string') });
  });

  const keys = async (q: Omit<Parameters<SqliteStateStore['query']>[0], 'keyPrefix'>) =>
    (await s.query({ keyPrefix: 'app||', ...q })).results.map((r) => r.key);

  it('filters with EQ on nested paths, restricted to the key prefix', async () => {
    expect(await keys({ filter: { EQ: { 'person.org': 'Dev Ops' } } })).toEqual(['app||1', 'app||4', 'app||5']);
    expect(await keys({ filter: { EQ: { active: true } } })).toEqual(['app||1', 'app||3', 'app||4']);
    const r = await s.query({ keyPrefix: 'app||', filter: { EQ: { state: 'OR' } } });
    expect(r.results).toHaveLength(1);
    expect(json(r.results[0]?.data)).toEqual(people[1]?.value);
    expect(r.results[0]?.etag).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.token).toBeUndefined();
  });

  it('supports NEQ, GT, GTE, LT, LTE, IN, AND and OR', async () => {
    expect(await keys({ filter: { NEQ: { state: 'WA' } } })).toEqual(['app||2', 'app||3', 'app||5']);
    expect(await keys({ filter: { IN: { state: ['CA', 'OR'] } } })).toEqual(['app||2', 'app||3', 'app||5']);
    expect(await keys({ filter: { IN: { state: [] } } })).toEqual([]);
    expect(await keys({ filter: { OR: [{ EQ: { state: 'WA' } }, { IN: { city: ['Portland'] } }] } })).toEqual(['app||1', 'app||2', 'app||4']);
    expect(
      await keys({ filter: { AND: [{ EQ: { 'person.org': 'Dev Ops' } }, { GTE: { 'person.id': 1036 } }, { LT: { n: 20 } }, { NEQ: { state: 'CA' } }] } }),
    ).toEqual(['app||1']);
    expect(await keys({ filter: { OR: [{ AND: [{ GT: { n: 11.1 } }, { EQ: { state: 'OR' } }] }, { AND: [{ LTE: { n: 0.5 } }] }] } })).toEqual([
      'app||2',
      'app||3',
    ]);
    expect(await keys({})).toHaveLength(6);
  });

  it('sorts by paths and pages with an opaque token', async () => {
    expect(await keys({ sort: [{ key: 'state', order: 'DESC' }, { key: 'person.id' }] })).toEqual([
      'app||1',
      'app||4',
      'app||2',
      'app||5',
      'app||3',
      'app||scalar',
    ]);
    const seen: string[] = [];
    let token: string | undefined;
    const pages: number[] = [];
    do {
      const r = await s.query({ keyPrefix: 'app||', filter: { EQ: { 'person.org': 'Dev Ops' } }, sort: [{ key: 'person.id', order: 'ASC' }], page: { limit: 2, token } });
      pages.push(r.results.length);
      seen.push(...r.results.map((x) => x.key));
      token = r.token;
    } while (token);
    expect(pages).toEqual([2, 1]);
    expect(seen).toEqual(['app||5', 'app||1', 'app||4']);
  });

  it('rejects malformed queries with a clear error', async () => {
    await expect(s.query({ keyPrefix: 'app||', filter: { LIKE: { a: 1 } } as never })).rejects.toThrow(/unknown filter operator "LIKE"/);
    await expect(s.query({ keyPrefix: 'app||', filter: { EQ: { a: 1, b: 2 } } })).rejects.toThrow(/exactly one field/);
    await expect(s.query({ keyPrefix: 'app||', filter: { AND: [] } })).rejects.toThrow(/non-empty list/);
    await expect(s.query({ keyPrefix: 'app||', sort: [{ key: 'a', order: 'UP' as never }] })).rejects.toThrow(/ASC or DESC/);
    await expect(s.query({ keyPrefix: 'app||', page: { limit: 2, token: 'abc' } })).rejects.toThrow(/pagination token/);
    await expect(s.query({ keyPrefix: 'app||', filter: { EQ: { 'a..b': 1 } } })).rejects.toThrow(/field path/);
  });
});

describe('state.sqlite shared by two processes', () => {
  it('lets exactly one of two racing first-writes win, and both see the winner', async () => {
    const a = await store();
    const b = await store();
    for (let round = 0; round < 20; round++) {
      const key = `race-${round}`;
      const results = await Promise.allSettled([
        a.set({ key, value: v('a'), options: { concurrency: 'first-write' } }),
        b.set({ key, value: v('b'), options: { concurrency: 'first-write' } }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(ETagMismatchError);
      const winner = results[0]?.status === 'fulfilled' ? 'a' : 'b';
      expect(json((await a.get({ key }))?.data)).toBe(winner);
      expect(json((await b.get({ key }))?.data)).toBe(winner);
    }
  });

  it('serialises etag-checked writes: of two writers holding the same etag only one succeeds', async () => {
    const a = await store();
    const b = await store();
    await a.set({ key: 'k', value: v(0) });
    const etag = (await b.get({ key: 'k' }))?.etag as string;
    const results = await Promise.allSettled([a.set({ key: 'k', value: v('a'), etag }), b.set({ key: 'k', value: v('b'), etag })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('fails a write with a clear error once the store is closed', async () => {
    const a = await store();
    await a.close();
    await expect(a.set({ key: 'k', value: v(1) })).rejects.toThrow(/not initialised/);
  });
});
