/// <reference types="jest" />
/**
 * @module contract/state-etag
 * The state contract's ETag cases (ETAG claimed): every write changes the ETag, a stale or unknown
 * ETag is a mismatch that changes nothing, first-write concurrency, and, when the store's ETags
 * have a format (`badEtag` given), a malformed ETag is ETagInvalidError on set and delete.
 */
import { expectRejectsNamed, json } from './common';
import type { StateCaseContext } from './state';
import { STATE_FEATURE } from './types';

const ETAG = [STATE_FEATURE.ETAG];
const MISMATCH = 'ETagMismatchError';
const FIRST_WRITE = { concurrency: 'first-write' as const, consistency: 'strong' as const };

export function registerEtagCases(ctx: StateCaseContext): void {
  const { add, key, o } = ctx;
  const s = () => ctx.store();
  const etagOf = async (k: string): Promise<string> => {
    const etag = (await s().get({ key: k }))?.etag;
    if (typeof etag !== 'string' || etag === '') throw new Error(`no ETag reported for ${k}`);
    return etag;
  };
  const valueOf = async (k: string) => (await s().get({ key: k }))?.data.toString();

  add('get reports a non-empty ETag that changes on every write', ETAG, async () => {
    const k = key('etag-changes');
    await s().set({ key: k, value: json('v1') });
    const e1 = await etagOf(k);
    await s().set({ key: k, value: json('v2') });
    expect(await etagOf(k)).not.toBe(e1);
  });

  add('set with the current ETag succeeds and yields a new ETag', ETAG, async () => {
    const k = key('etag-current');
    await s().set({ key: k, value: json('v1') });
    const e1 = await etagOf(k);
    await s().set({ key: k, value: json('v2'), etag: e1 });
    expect(await valueOf(k)).toBe('"v2"');
    expect(await etagOf(k)).not.toBe(e1);
  });

  add('set with a stale ETag is a mismatch and leaves value and ETag unchanged', ETAG, async () => {
    const k = key('etag-stale');
    await s().set({ key: k, value: json('v1') });
    const e1 = await etagOf(k);
    await s().set({ key: k, value: json('v2'), etag: e1 });
    const e2 = await etagOf(k);
    await expectRejectsNamed(s().set({ key: k, value: json('v3'), etag: e1 }), MISMATCH);
    expect(await valueOf(k)).toBe('"v2"');
    expect(await etagOf(k)).toBe(e2);
  });

  add('set with a well-formed ETag on a key that does not exist is a mismatch and writes nothing', ETAG, async () => {
    const other = key('etag-other');
    await s().set({ key: other, value: json(1) });
    const wellFormed = await etagOf(other);
    const k = key('etag-absent');
    await expectRejectsNamed(s().set({ key: k, value: json(1), etag: wellFormed }), MISMATCH);
    expect(await s().get({ key: k })).toBeUndefined();
  });

  add('delete with a stale ETag is a mismatch and keeps the key; with the current one it deletes', ETAG, async () => {
    const k = key('etag-delete');
    await s().set({ key: k, value: json('v1') });
    const e1 = await etagOf(k);
    await s().set({ key: k, value: json('v2') });
    const e2 = await etagOf(k);
    await expectRejectsNamed(s().delete({ key: k, etag: e1 }), MISMATCH);
    expect(await valueOf(k)).toBe('"v2"');
    await s().delete({ key: k, etag: e2 });
    expect(await s().get({ key: k })).toBeUndefined();
    await expectRejectsNamed(s().delete({ key: k, etag: e2 }), MISMATCH);
  });

  add('first-write: a first write wins, a later one without an ETag is a mismatch', ETAG, async () => {
    const k = key('first-write');
    await s().set({ key: k, value: json(1), options: FIRST_WRITE });
    await expectRejectsNamed(s().set({ key: k, value: json(2), options: FIRST_WRITE }), MISMATCH);
    expect(await valueOf(k)).toBe('1');
  });

  add('first-write: the current ETag succeeds once, the same ETag again is a mismatch', ETAG, async () => {
    const k = key('first-write-etag');
    await s().set({ key: k, value: json(1), options: FIRST_WRITE });
    const etag = await etagOf(k);
    await s().set({ key: k, value: json(3), etag, options: FIRST_WRITE });
    await expectRejectsNamed(s().set({ key: k, value: json(4), etag, options: FIRST_WRITE }), MISMATCH);
    expect(await valueOf(k)).toBe('3');
  });

  add('first-write on a key written without it: a write without ETag is a mismatch', ETAG, async () => {
    const k = key('first-write-existing');
    await s().set({ key: k, value: json(1) });
    await expectRejectsNamed(s().set({ key: k, value: json(2), options: FIRST_WRITE }), MISMATCH);
    expect(await valueOf(k)).toBe('1');
  });

  add('last-write (the default): a write without ETag always succeeds', ETAG, async () => {
    const k = key('last-write');
    await s().set({ key: k, value: json(1), options: { concurrency: 'last-write' } });
    await s().set({ key: k, value: json(2), options: { concurrency: 'last-write' } });
    expect(await valueOf(k)).toBe('2');
  });

  add(
    'a malformed ETag is ETagInvalidError on set and delete and changes nothing',
    ETAG,
    async () => {
      const bad = o.badEtag as string;
      const k = key('etag-invalid');
      await s().set({ key: k, value: json('v1') });
      await expectRejectsNamed(s().set({ key: k, value: json('v2'), etag: bad }), 'ETagInvalidError');
      await expectRejectsNamed(s().delete({ key: k, etag: bad }), 'ETagInvalidError');
      expect(await valueOf(k)).toBe('"v1"');
    },
    o.badEtag === undefined ? 'free-form ETags: no badEtag given' : undefined,
  );
}
