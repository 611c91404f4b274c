import { waitFor } from '@minidapr/testkit';
import { ETagMismatchError } from '../../errors';
import { createInMemoryStateStore } from '.';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const v = (s: string) => Buffer.from(JSON.stringify(s));

describe('state.in-memory', () => {
  it('saves, reads back with an etag, and deletes', async () => {
    const s = createInMemoryStateStore(ctx);
    await s.set({ key: 'k', value: v('a') });
    const got = await s.get({ key: 'k' });
    expect(got?.data.toString()).toBe('"a"');
    expect(got?.etag).toMatch(/^[0-9a-f-]{36}$/);
    await s.delete({ key: 'k' });
    expect(await s.get({ key: 'k' })).toBeUndefined();
  });

  it('enforces etags and first-write', async () => {
    const s = createInMemoryStateStore(ctx);
    await s.set({ key: 'k', value: v('a') });
    const etag = (await s.get({ key: 'k' }))?.etag as string;
    await expect(s.set({ key: 'k', value: v('b'), etag: 'nope' })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(s.set({ key: 'k', value: v('b'), options: { concurrency: 'first-write' } })).rejects.toBeInstanceOf(ETagMismatchError);
    await s.set({ key: 'k', value: v('b'), etag });
    await expect(s.delete({ key: 'k', etag })).rejects.toBeInstanceOf(ETagMismatchError);
  });

  it('applies transactions all or nothing', async () => {
    const s = createInMemoryStateStore(ctx);
    await expect(
      s.multi([
        { operation: 'upsert', request: { key: 'a', value: v('1') } },
        { operation: 'delete', request: { key: 'b', etag: 'missing' } },
      ]),
    ).rejects.toBeInstanceOf(ETagMismatchError);
    expect(await s.get({ key: 'a' })).toBeUndefined();
  });

  it('expires keys with ttlInSeconds and reports the expiry time', async () => {
    const s = createInMemoryStateStore(ctx);
    await s.set({ key: 'k', value: v('a'), metadata: { ttlInSeconds: '60' } });
    const got = await s.get({ key: 'k' });
    expect(got?.metadata?.ttlExpireTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    await s.set({ key: 'gone', value: v('a'), metadata: { ttlInSeconds: '1' } });
    expect(await s.get({ key: 'gone' })).toBeDefined();
    await waitFor('the key to expire', async () => (await s.get({ key: 'gone' })) === undefined, { timeoutMs: 3000, intervalMs: 50 });
  });

  it('treats ttlInSeconds -1 as "no TTL" (removing an existing one) and refuses values that are not numbers', async () => {
    const s = createInMemoryStateStore(ctx);
    await s.set({ key: 'k', value: v('a'), metadata: { ttlInSeconds: '60' } });
    await s.set({ key: 'k', value: v('b'), metadata: { ttlInSeconds: '-1' } });
    const got = await s.get({ key: 'k' });
    expect([got?.data.toString(), got?.metadata]).toEqual(['"b"', undefined]);
    await expect(s.set({ key: 'k', value: v('c'), metadata: { ttlInSeconds: 'foo' } })).rejects.toThrow('ttlInSeconds');
    await expect(s.multi([{ operation: 'upsert', request: { key: 'x', value: v('x'), metadata: { ttlInSeconds: '1s' } } }])).rejects.toThrow('ttlInSeconds');
    expect((await s.get({ key: 'k' }))?.data.toString()).toBe('"b"');
    expect(await s.get({ key: 'x' })).toBeUndefined();
  });
});
