/// <reference types="jest" />
/**
 * @module contract/state-optional
 * The state contract's transaction cases (TRANSACTIONAL claimed: order, all or nothing) and TTL
 * cases (TTL claimed: expiry, ttlExpireTime, -1 and overwrite clear a TTL, a malformed ttlInSeconds
 * is refused before anything is written).
 */
import { waitFor } from '../wait';
import { expectRejectsNamed, json } from './common';
import type { StateCaseContext } from './state';
import { STATE_FEATURE, type ContractStateStore, type ContractTransactionOperation } from './types';

const TX = [STATE_FEATURE.TRANSACTIONAL];
const TTL = [STATE_FEATURE.TTL];
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function multi(s: ContractStateStore, ops: readonly ContractTransactionOperation[]): Promise<void> {
  if (typeof s.multi !== 'function') throw new Error('the store claims TRANSACTIONAL but has no multi()');
  return s.multi(ops);
}

export function registerTransactionCases(ctx: StateCaseContext): void {
  const { add, key, o } = ctx;
  const s = () => ctx.store();
  const valueOf = async (k: string) => (await s().get({ key: k }))?.data.toString();

  add('applies upserts and deletes in order, including a delete of a missing key', TX, async () => {
    const [k1, k2, k3] = [key('tx-1'), key('tx-2'), key('tx-3')];
    await s().set({ key: k1, value: json('value1') });
    await multi(s(), [
      { operation: 'delete', request: { key: k1 } },
      { operation: 'upsert', request: { key: k2, value: json('value2') } },
      { operation: 'delete', request: { key: k2 } },
      { operation: 'upsert', request: { key: k3, value: json('value3') } },
      { operation: 'delete', request: { key: key('tx-never') } },
    ]);
    expect(await s().get({ key: k1 })).toBeUndefined();
    expect(await s().get({ key: k2 })).toBeUndefined();
    expect(await valueOf(k3)).toBe('"value3"');
  });

  add('a later upsert of the same key wins', TX, async () => {
    const k = key('tx-twice');
    await multi(s(), [
      { operation: 'upsert', request: { key: k, value: json('first') } },
      { operation: 'upsert', request: { key: k, value: json('second') } },
    ]);
    expect(await valueOf(k)).toBe('"second"');
  });

  add('an empty transaction succeeds', TX, async () => {
    await multi(s(), []);
  });

  add('is all or nothing: one stale ETag fails it with a mismatch and changes nothing', [...TX, STATE_FEATURE.ETAG], async () => {
    const [keep, fresh, other] = [key('tx-keep'), key('tx-fresh'), key('tx-other')];
    await s().set({ key: keep, value: json('old') });
    await s().set({ key: other, value: json('other') });
    const etag = (await s().get({ key: keep }))?.etag as string;
    const staleOther = (await s().get({ key: other }))?.etag as string;
    await s().set({ key: other, value: json('other3') });
    await expectRejectsNamed(
      multi(s(), [
        { operation: 'upsert', request: { key: fresh, value: json('new') } },
        { operation: 'upsert', request: { key: keep, value: json('changed'), etag } },
        { operation: 'delete', request: { key: other, etag: staleOther } },
      ]),
      'ETagMismatchError',
    );
    expect(await s().get({ key: fresh })).toBeUndefined();
    expect(await s().get({ key: keep })).toMatchObject({ etag, data: json('old') });
    expect(await valueOf(other)).toBe('"other3"');
  });

  add(
    'a malformed ETag fails it with ETagInvalidError and changes nothing',
    [...TX, STATE_FEATURE.ETAG],
    async () => {
      const [keep, fresh] = [key('tx-inv-keep'), key('tx-inv-fresh')];
      await s().set({ key: keep, value: json('old') });
      await expectRejectsNamed(
        multi(s(), [
          { operation: 'upsert', request: { key: fresh, value: json('new') } },
          { operation: 'upsert', request: { key: keep, value: json('changed'), etag: o.badEtag } },
        ]),
        'ETagInvalidError',
      );
      expect(await s().get({ key: fresh })).toBeUndefined();
      expect(await valueOf(keep)).toBe('"old"');
    },
    o.badEtag === undefined ? 'free-form ETags: no badEtag given' : undefined,
  );

  add('refuses a malformed ttlInSeconds in an upsert and writes nothing', [...TX, STATE_FEATURE.TTL], async () => {
    const [ok, bad] = [key('tx-ttl-ok'), key('tx-ttl-bad')];
    await expect(
      multi(s(), [
        { operation: 'upsert', request: { key: ok, value: json('ok') } },
        { operation: 'upsert', request: { key: bad, value: json('x'), metadata: { ttlInSeconds: '1s' } } },
      ]),
    ).rejects.toThrow('ttlInSeconds');
    expect(await s().get({ key: ok })).toBeUndefined();
    expect(await s().get({ key: bad })).toBeUndefined();
  });
}

export function registerTtlCases(ctx: StateCaseContext): void {
  const { add, key } = ctx;
  const s = () => ctx.store();

  add('a key with ttlInSeconds is readable, then expires', TTL, async () => {
    const k = key('ttl-expires');
    await s().set({ key: k, value: json('a'), metadata: { ttlInSeconds: '1' } });
    expect(await s().get({ key: k })).toBeDefined();
    await waitFor(`${k} to expire`, async () => (await s().get({ key: k })) === undefined, { timeoutMs: 5000, intervalMs: 100 });
  });

  add('get reports ttlExpireTime (RFC 3339, UTC) about ttlInSeconds ahead', TTL, async () => {
    const k = key('ttl-expire-time');
    await s().set({ key: k, value: json('a'), metadata: { ttlInSeconds: '3600' } });
    const at = (await s().get({ key: k }))?.metadata?.ttlExpireTime;
    expect(at).toMatch(RFC3339);
    expect(Math.abs(Date.parse(at as string) - (Date.now() + 3600_000))).toBeLessThan(60_000);
  });

  add('ttlInSeconds -1 removes an existing TTL', TTL, async () => {
    const k = key('ttl-minus-one');
    await s().set({ key: k, value: json('a'), metadata: { ttlInSeconds: '3600' } });
    await s().set({ key: k, value: json('b'), metadata: { ttlInSeconds: '-1' } });
    const got = await s().get({ key: k });
    expect(got?.data.toString()).toBe('"b"');
    expect(got?.metadata?.ttlExpireTime).toBeUndefined();
  });

  add('overwriting without ttlInSeconds removes an existing TTL', TTL, async () => {
    const k = key('ttl-overwrite');
    await s().set({ key: k, value: json('a'), metadata: { ttlInSeconds: '3600' } });
    await s().set({ key: k, value: json('b') });
    expect((await s().get({ key: k }))?.metadata?.ttlExpireTime).toBeUndefined();
  });

  add('refuses a ttlInSeconds that is not a whole number and keeps the old value', TTL, async () => {
    const k = key('ttl-refused');
    await s().set({ key: k, value: json('kept') });
    for (const ttlInSeconds of ['foo', '1.5', '1s']) {
      await expect(s().set({ key: k, value: json('x'), metadata: { ttlInSeconds } })).rejects.toThrow('ttlInSeconds');
    }
    expect((await s().get({ key: k }))?.data.toString()).toBe('"kept"');
  });

  add('first-write may replace a key whose TTL has passed', [...TTL, STATE_FEATURE.ETAG], async () => {
    const k = key('ttl-first-write');
    await s().set({ key: k, value: json(1), metadata: { ttlInSeconds: '1' } });
    await waitFor(`${k} to expire`, async () => (await s().get({ key: k })) === undefined, { timeoutMs: 5000, intervalMs: 100 });
    await s().set({ key: k, value: json(2), options: { concurrency: 'first-write' } });
    expect((await s().get({ key: k }))?.data.toString()).toBe('2');
  });
}
