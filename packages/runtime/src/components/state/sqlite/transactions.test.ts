/**
 * state.sqlite: transactions (order, all or nothing, ETags checked against earlier operations).
 */
import { ETagMismatchError } from '../../errors';
import { json, useSqliteStores, v } from '../../../../test/support/sqlite';

const { store } = useSqliteStores();

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
