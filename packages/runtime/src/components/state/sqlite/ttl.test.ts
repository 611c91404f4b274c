/**
 * state.sqlite: TTL (ttlExpireTime, invalid values, expiry and the shared cleanup).
 */
import { join } from 'node:path';
import { openDatabase } from '../../sqlite-driver';
import { ETagMismatchError } from '../../errors';
import { json, useSqliteStores, v, waitUntil } from '../../../../test/support/sqlite';

const sqlite = useSqliteStores();
const { store } = sqlite;

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
    for (const bad of ['foo', '-2', '1.5', '2147483648']) {
      const err = await s.set({ key: 'k', value: v(1), metadata: { ttlInSeconds: bad } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(ETagMismatchError);
      expect((err as Error).message).toContain('ttlInSeconds');
    }
    expect(await s.get({ key: 'k' })).toBeUndefined();
  });

  it('hides expired keys at once, lets first-write reuse them, and the cleanup deletes them', async () => {
    const file = join(sqlite.dir, 'state.db');
    const s = await store({ cleanupInterval: '100ms' });
    await s.set({ key: 'short', value: v(1), metadata: { ttlInSeconds: '1' } });
    await s.set({ key: 'long', value: v(2), metadata: { ttlInSeconds: '3600' } });
    expect(await s.get({ key: 'short' })).toBeDefined();
    await waitUntil('the short key to expire', async () => (await s.get({ key: 'short' })) === undefined);
    const raw = openDatabase(file, { readonly: true });
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
    const raw = openDatabase(join(sqlite.dir, 'state.db'));
    raw.prepare("INSERT INTO state (key, value, is_binary, etag, expiration_time) VALUES ('old', '1', 0, 'e', '2000-01-01T00:00:00.000Z')").run();
    raw.close();
    expect(await b.get({ key: 'old' })).toBeUndefined();
    expect(b.cleanupExpired()).toBe(0);
    expect(b.cleanupExpired(true)).toBe(1);
  });
});
