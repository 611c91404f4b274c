/** state.in-memory: the shared state contract, plus what is particular to this store. */
import { runStateContract } from '@minidapr/testkit';
import { createInMemoryStateStore } from '.';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const v = (s: string) => Buffer.from(JSON.stringify(s));

// ETags are UUIDs compared as text: any other string is a mismatch, never "invalid" (no badEtag).
runStateContract({
  name: 'state.in-memory',
  factory: () => createInMemoryStateStore(ctx),
  expectedFeatures: ['ETAG', 'TRANSACTIONAL', 'TTL'],
});

describe('state.in-memory', () => {
  it('uses UUID etags and treats any other etag as a mismatch', async () => {
    const s = createInMemoryStateStore(ctx);
    await s.set({ key: 'k', value: v('a') });
    expect((await s.get({ key: 'k' }))?.etag).toMatch(/^[0-9a-f-]{36}$/);
    await expect(s.set({ key: 'k', value: v('b'), etag: 'nope' })).rejects.toMatchObject({ name: 'ETagMismatchError' });
  });

  it('keeps nothing across instances and forgets everything on close', async () => {
    const a = createInMemoryStateStore(ctx);
    const b = createInMemoryStateStore(ctx);
    await a.set({ key: 'k', value: v('a') });
    expect(await b.get({ key: 'k' })).toBeUndefined();
    await a.close();
    expect(await a.get({ key: 'k' })).toBeUndefined();
  });
});
