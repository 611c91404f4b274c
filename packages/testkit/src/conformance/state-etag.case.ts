/// <reference types="jest" />
/**
 * @module conformance/state-etag
 * The state conformance suite's ETag cases: optimistic concurrency on save and delete, first-write and
 * last-write, and option validation.
 */
import type { StateSuiteContext } from './state-suite';

export function registerEtagCases(ctx: StateSuiteContext): void {
  const { o, key, save, del, bulk, etagOf, expectValue, expectMissing, expectStatus, addCase } = ctx;
  describe('etags', () => {
    addCase('etag.present', 'get and bulk get return the same non-empty ETag', ['ETAG'], async () => {
      const k = key('etag-present');
      expectStatus(await save([{ key: k, value: 'v' }]), 204);
      const etag = await etagOf(k);
      const r = await bulk([k]);
      expect(r.json).toEqual([expect.objectContaining({ key: k, etag })]);
    });

    addCase('etag.update', 'saving with the current ETag succeeds and changes the ETag', ['ETAG'], async () => {
      const k = key('etag-update');
      expectStatus(await save([{ key: k, value: 'v1' }]), 204);
      const e1 = await etagOf(k);
      expectStatus(await save([{ key: k, value: 'v2', etag: e1 }]), 204);
      await expectValue(k, 'v2');
      expect(await etagOf(k)).not.toBe(e1);
    });

    addCase('etag.stale', 'saving with a stale ETag is 409 ERR_STATE_SAVE and leaves value and ETag unchanged', ['ETAG'], async () => {
      const k = key('etag-stale');
      expectStatus(await save([{ key: k, value: 'v1' }]), 204);
      const e1 = await etagOf(k);
      expectStatus(await save([{ key: k, value: 'v2', etag: e1 }]), 204);
      const e2 = await etagOf(k);
      expectStatus(await save([{ key: k, value: 'v3', etag: e1 }]), 409, 'ERR_STATE_SAVE');
      await expectValue(k, 'v2');
      expect(await etagOf(k)).toBe(e2);
    });

    addCase('etag.missing-key', 'saving with an ETag for a key that does not exist is 409', ['ETAG'], async () => {
      const other = key('etag-other');
      expectStatus(await save([{ key: other, value: 1 }]), 204);
      const wellFormed = await etagOf(other);
      const k = key('etag-absent');
      expectStatus(await save([{ key: k, value: 1, etag: wellFormed }]), 409, 'ERR_STATE_SAVE');
      await expectMissing(k);
    });

    addCase('etag.bulk-partial', 'a multi-item save with one stale ETag leaves that key unchanged', ['ETAG'], async () => {
      const [good, bad] = [key('etag-bulk-good'), key('etag-bulk-bad')];
      expectStatus(await save([{ key: good, value: 1 }, { key: bad, value: 1 }]), 204);
      const [goodEtag, staleBad] = [await etagOf(good), await etagOf(bad)];
      expectStatus(await save([{ key: bad, value: 2 }]), 204);
      const badEtag = await etagOf(bad);
      expectStatus(await save([{ key: good, value: 3, etag: goodEtag }, { key: bad, value: 3, etag: staleBad }]), 409, 'ERR_STATE_SAVE');
      await expectValue(bad, 2);
      expect(await etagOf(bad)).toBe(badEtag);
    });

    addCase(
      'etag.invalid',
      'a malformed ETag is 400 on save (ERR_STATE_SAVE) and delete (ERR_STATE_DELETE)',
      ['ETAG'],
      async () => {
        const k = key('etag-invalid');
        expectStatus(await save([{ key: k, value: 'v1' }]), 204);
        expectStatus(await save([{ key: k, value: 'v2', etag: o.badEtag }]), 400, 'ERR_STATE_SAVE');
        expectStatus(await del(k, o.badEtag), 400, 'ERR_STATE_DELETE');
        await expectValue(k, 'v1');
      },
      o.badEtag === undefined ? 'the store has free-form ETags: no badEtag given' : undefined,
    );

    addCase('etag.delete', 'delete with a stale If-Match is 409 and keeps the key; with the current one it deletes', ['ETAG'], async () => {
      const k = key('etag-delete');
      expectStatus(await save([{ key: k, value: 'v1' }]), 204);
      const e1 = await etagOf(k);
      expectStatus(await save([{ key: k, value: 'v2' }]), 204);
      const e2 = await etagOf(k);
      expectStatus(await del(k, e1), 409, 'ERR_STATE_DELETE');
      await expectValue(k, 'v2');
      expectStatus(await del(k, e2), 204);
      await expectMissing(k);
    });

    addCase('etag.delete-empty-if-match', 'an empty If-Match means "no ETag": the delete is unconditional', ['ETAG'], async () => {
      const k = key('etag-delete-empty');
      expectStatus(await save([{ key: k, value: 'v1' }]), 204);
      expectStatus(await del(k, ''), 204);
      await expectMissing(k);
    });

    addCase('etag.type', 'an ETag that is not a JSON string is 400 ERR_MALFORMED_REQUEST', [], async () => {
      expectStatus(await save([{ key: key('etag-number'), value: 1, etag: 7 }]), 400, 'ERR_MALFORMED_REQUEST');
    });
  });

  describe('first-write', () => {
    const fw = { concurrency: 'first-write', consistency: 'strong' };

    addCase('first-write.no-etag', 'first-write without an ETag fails (409) once the key exists', ['ETAG'], async () => {
      const k = key('fw-none');
      expectStatus(await save([{ key: k, value: 'first', options: fw }]), 204);
      expectStatus(await save([{ key: k, value: 'second', options: fw }]), 409, 'ERR_STATE_SAVE');
      await expectValue(k, 'first');
    });

    addCase('first-write.empty-etag', 'first-write with ETag "" behaves as without an ETag', ['ETAG'], async () => {
      const k = key('fw-empty');
      expectStatus(await save([{ key: k, value: 'first', etag: '', options: fw }]), 204);
      expectStatus(await save([{ key: k, value: 'second', etag: '', options: fw }]), 409, 'ERR_STATE_SAVE');
      await expectValue(k, 'first');
    });

    addCase('first-write.with-etag', 'first-write with the current ETag succeeds; the stale ETag then fails', ['ETAG'], async () => {
      const k = key('fw-etag');
      expectStatus(await save([{ key: k, value: 'v1' }]), 204);
      const e1 = await etagOf(k);
      expectStatus(await save([{ key: k, value: 'v2', etag: e1, options: fw }]), 204);
      expect(await etagOf(k)).not.toBe(e1);
      expectStatus(await save([{ key: k, value: 'v3', etag: e1, options: fw }]), 409, 'ERR_STATE_SAVE');
      await expectValue(k, 'v2');
    });

    addCase('first-write.last-write', 'last-write without an ETag overwrites unconditionally', [], async () => {
      const k = key('lw');
      expectStatus(await save([{ key: k, value: 'v1', options: { concurrency: 'last-write' } }]), 204);
      expectStatus(await save([{ key: k, value: 'v2', options: { concurrency: 'last-write' } }]), 204);
      await expectValue(k, 'v2');
    });

    addCase('options.invalid', 'invalid concurrency/consistency options are 500 ERR_STATE_SAVE', [], async () => {
      const k = key('bad-options');
      expectStatus(await save([{ key: k, value: 1, options: { concurrency: 'sometimes' } }]), 500, 'ERR_STATE_SAVE');
      expectStatus(await save([{ key: k, value: 1, options: { consistency: 'always' } }]), 500, 'ERR_STATE_SAVE');
      await expectMissing(k);
    });
  });
}
