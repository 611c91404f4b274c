/**
 * state.sqlite: the shared state contract (on a file in a temp directory), plus metadata, file
 * handling and one database file shared by two stores.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStateContract } from '@minidapr/testkit';
import { openDatabase } from '../../sqlite-driver';
import { ETagMismatchError, MetadataError } from '../../errors';
import { isQueryable, isTransactional } from '../contract';
import { createSqliteStateStore, parseSqliteMetadata } from '.';
import { json, logger, useSqliteStores, v } from '../../../../test/support/sqlite';

const sqlite = useSqliteStores();
const { store } = sqlite;

// ETags are UUIDs compared as text: any other string is a mismatch, never "invalid" (no badEtag).
let contractDir = '';
runStateContract({
  name: 'state.sqlite',
  factory: () => createSqliteStateStore({ logger }),
  metadata: { connectionString: 'state.db' },
  context: () => {
    contractDir = mkdtempSync(join(tmpdir(), 'minidapr-sqlite-contract-'));
    return { appId: 'app', cwd: contractDir };
  },
  cleanup: async () => rmSync(contractDir, { recursive: true, force: true }),
  expectedFeatures: ['ETAG', 'TRANSACTIONAL', 'TTL', 'QUERY_API'],
});

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

describe('state.sqlite values', () => {
  it('round-trips an empty value and text that is not JSON', async () => {
    const s = await store();
    await s.set({ key: 'text', value: Buffer.from('not json') });
    expect((await s.get({ key: 'text' }))?.data.toString()).toBe('not json');
    await s.set({ key: 'empty', value: Buffer.alloc(0) });
    expect((await s.get({ key: 'empty' }))?.data.length).toBe(0);
  });

  it('uses UUID etags and reports no metadata for a key without TTL', async () => {
    const s = await store();
    await s.set({ key: 'k', value: v('a') });
    const got = await s.get({ key: 'k' });
    expect(got?.etag).toMatch(/^[0-9a-f-]{36}$/);
    expect(got?.metadata).toBeUndefined();
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
