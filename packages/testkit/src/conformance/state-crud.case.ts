/// <reference types="jest" />
/**
 * @module conformance/state-crud
 * The state conformance suite's CRUD cases: set and get (every value type of the components-contrib
 * suite), bulk get and delete.
 */
import { call } from './http';
import type { StateSuiteContext } from './state-suite';

/** Value types of the components-contrib suite; each must read back as exactly these bytes. */
const VALUES: Array<[string, unknown]> = [
  ['int', 1234],
  ['negative float', -12.5],
  ['bool true', true],
  ['bool false', false],
  ['string that contains JSON', '{"message":"hello","count":1}'],
  ['plain string', 'value1'],
  ['empty string', ''],
  ['string with unicode and quotes', 'héllo "wörld" ✓'],
  ['JSON object', { message: 'test', count: 3, ok: true }],
  ['nested struct', { product: { value: 15, name: 'shoe' }, status: 'ACTIVE', tags: ['a', 'b'] }],
  ['array', [1, 'two', null, { three: 3 }]],
];

export function registerCrudCases(ctx: StateSuiteContext): void {
  const { has, storeUrl, key, save, get, del, bulk, expectValue, expectMissing, expectStatus, addCase } = ctx;
  describe('set and get', () => {
    VALUES.forEach(([type, value], i) => {
      addCase(`set-get.${type.replace(/ /g, '-')}`, `${type} reads back as its exact JSON bytes`, [], async () => {
        const k = key(`value-${i}`);
        expectStatus(await save([{ key: k, value }]), 204);
        const r = await get(k);
        expect({ status: r.status, body: r.text, contentType: r.headers.get('content-type') }).toEqual({
          status: 200,
          body: JSON.stringify(value),
          contentType: 'application/json',
        });
        if (has('ETAG')) expect(r.headers.get('etag')).toBeTruthy();
      });
    });

    addCase('set-get.quoted-string', 'a saved string comes back with its quotes', [], async () => {
      const k = key('quoted');
      expectStatus(await save([{ key: k, value: 'hello' }]), 204);
      expect((await get(k)).text).toBe('"hello"');
    });

    addCase('set-get.overwrite', 'a second save replaces the value', [], async () => {
      const k = key('overwrite');
      expectStatus(await save([{ key: k, value: { v: 1 } }]), 204);
      expectStatus(await save([{ key: k, value: { v: 2 } }]), 204);
      await expectValue(k, { v: 2 });
    });

    addCase('set-get.bulk-save', 'one request saves several keys', [], async () => {
      const items = [0, 1, 2, 3, 4, 5, 6].map((i) => ({ key: key(`bulkset-${i}`), value: { i } }));
      expectStatus(await save(items), 204);
      for (const it of items) await expectValue(it.key, it.value);
    });

    addCase('set-get.special-key', 'a key with spaces, slashes and unicode round-trips (URL-encoded)', [], async () => {
      const k = key('with space/slash:colon-ü');
      expectStatus(await save([{ key: k, value: 'x' }]), 204);
      await expectValue(k, 'x');
      expectStatus(await del(k), 204);
      await expectMissing(k);
    });

    addCase('set-get.empty-list', 'saving [] is a no-op (204)', [], async () => {
      expectStatus(await call('POST', storeUrl(), []), 204);
    });

    addCase('get.missing', 'a key that was never written is 204 with no body and no ETag', [], async () => {
      await expectMissing(key('never-written'));
    });
  });

  describe('bulk get', () => {
    addCase('bulk-get.all', 'returns one entry per requested key, in order, including missing keys', [], async () => {
      const items = [0, 1, 2].map((i) => ({ key: key(`bulkget-${i}`), value: i === 1 ? 'text' : { i } }));
      expectStatus(await save(items), 204);
      const missing = key('bulkget-doesnotexist');
      const wanted = [items[0]!.key, missing, items[1]!.key, items[2]!.key];
      for (const extra of [{}, { parallelism: 1 }, { parallelism: 10 }]) {
        const r = await bulk(wanted, extra);
        expect(r.status).toBe(200);
        const entries = r.json as Array<Record<string, unknown>>;
        expect(entries.map((e) => e.key)).toEqual(wanted);
        expect(entries.map((e) => ({ key: e.key, data: e.data, error: e.error }))).toEqual([
          { key: items[0]!.key, data: { i: 0 }, error: undefined },
          { key: missing, data: undefined, error: undefined },
          { key: items[1]!.key, data: 'text', error: undefined },
          { key: items[2]!.key, data: { i: 2 }, error: undefined },
        ]);
        if (has('ETAG')) {
          expect(entries.map((e) => typeof e.etag === 'string' && e.etag !== '')).toEqual([true, false, true, true]);
        }
      }
    });

    addCase('bulk-get.empty', 'an empty key list returns []', [], async () => {
      const r = await bulk([]);
      expect({ status: r.status, body: r.json }).toEqual({ status: 200, body: [] });
    });
  });

  describe('delete', () => {
    addCase('delete.existing', 'a deleted key reads as missing', [], async () => {
      const k = key('delete-me');
      expectStatus(await save([{ key: k, value: 'bye' }]), 204);
      expectStatus(await del(k), 204);
      await expectMissing(k);
      const r = await bulk([k]);
      expect(r.json).toEqual([{ key: k }]);
    });

    addCase('delete.missing', 'deleting a key that does not exist is 204', [], async () => {
      expectStatus(await del(key('delete-never-written')), 204);
    });
  });
}
