/**
 * state.sqlite: metadata, CRUD and ETags, and one database file shared by two stores.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../sqlite-driver';
import { ETagMismatchError, MetadataError } from '../../errors';
import { isQueryable, isTransactional } from '../contract';
import { createSqliteStateStore, parseSqliteMetadata } from '.';
import { json, logger, useSqliteStores, v } from '../../../../test/support/sqlite';

const sqlite = useSqliteStores();
const { store } = sqlite;

describe('state.sqlite metadata', () => {
  it('requires connectionString and names the field', async () => {
    const s = createSqliteStateStore({ logger });
    const err = await s.init({}, { appId: 'a', cwd: sqlite.dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetadataError);
    expect((err as MetadataError).field).toBe('connectionString');
    expect((err as Error).message).toContain('state.sqlite');
  });

  it('rejects bad durations and table names, naming the field', () => {
    const bad = (raw: Record<string, string>) => {
      try {
        parseSqliteMetadata({ connectionString: 'x.db', ...raw }, sqlite.dir);
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
    const c = parseSqliteMetadata({ connectionString: 'data/state.db' }, sqlite.dir);
    expect(c).toMatchObject({
      file: join(sqlite.dir, 'data', 'state.db'),
      tableName: 'state',
      metadataTableName: 'metadata',
      cleanupIntervalMs: 3600000,
      busyTimeoutMs: 2000,
      timeoutMs: 20000,
      disableWAL: false,
    });
    expect(parseSqliteMetadata({ connectionString: 'file:my%20db.db?_pragma=foo(1)' }, sqlite.dir).file).toBe(join(sqlite.dir, 'my db.db'));
    expect(parseSqliteMetadata({ connectionString: `file://${join(sqlite.dir, 'abs.db')}` }, '/elsewhere').file).toBe(join(sqlite.dir, 'abs.db'));
    expect(parseSqliteMetadata({ connectionString: 'file:x.db?mode=memory' }, sqlite.dir).file).toBe(':memory:');
    expect(parseSqliteMetadata({ connectionString: ':memory:' }, sqlite.dir).file).toBe(':memory:');
    expect(parseSqliteMetadata({ connectionString: 'x.db', cleanupInterval: '-1' }, sqlite.dir).cleanupIntervalMs).toBe(0);
    expect(parseSqliteMetadata({ connectionString: 'x.db', cleanupInterval: '30' }, sqlite.dir).cleanupIntervalMs).toBe(30000);
  });

  it('creates parent directories and uses WAL', async () => {
    const s = await store({ connectionString: 'nested/deeper/state.db' });
    await s.set({ key: 'k', value: v(1) });
    const file = join(sqlite.dir, 'nested', 'deeper', 'state.db');
    expect(existsSync(file)).toBe(true);
    const raw = openDatabase(file, { readonly: true });
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
