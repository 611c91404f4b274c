/// <reference types="jest" />
/**
 * @module conformance/state-transaction
 * The state conformance suite's transaction cases: grouped upserts and deletes, operation order, and
 * ETags inside a transaction.
 */
import { call } from './http';
import type { StateSuiteContext } from './state-suite';

export function registerTransactionCases(ctx: StateSuiteContext): void {
  const { storeUrl, key, save, transact, etagOf, expectValue, expectMissing, expectStatus, addCase } = ctx;
  describe('transactions', () => {
    addCase('transaction.upsert-delete', 'upserts and deletes apply across grouped transactions', ['TRANSACTIONAL'], async () => {
      const [a, b, c] = [key('tx-a'), key('tx-b'), key('tx-c')];
      expectStatus(
        await transact([
          { operation: 'upsert', request: { key: a, value: 'A' } },
          { operation: 'upsert', request: { key: b, value: { b: true } } },
        ]),
        204,
      );
      await expectValue(a, 'A');
      await expectValue(b, { b: true });
      expectStatus(
        await transact([
          { operation: 'delete', request: { key: a } },
          { operation: 'upsert', request: { key: c, value: 3 } },
        ]),
        204,
      );
      await expectMissing(a);
      await expectValue(b, { b: true });
      await expectValue(c, 3);
    });

    addCase('transaction.order', 'operations apply in order: [delete k1, set k2, delete k2, set k3]', ['TRANSACTIONAL'], async () => {
      const [k1, k2, k3] = [key('txo-1'), key('txo-2'), key('txo-3')];
      expectStatus(await save([{ key: k1, value: 'value1' }]), 204);
      expectStatus(
        await transact([
          { operation: 'delete', request: { key: k1 } },
          { operation: 'upsert', request: { key: k2, value: 'value2' } },
          { operation: 'delete', request: { key: k2 } },
          { operation: 'upsert', request: { key: k3, value: 'value3' } },
        ]),
        204,
      );
      await expectMissing(k1);
      await expectMissing(k2);
      await expectValue(k3, 'value3');
    });

    addCase('transaction.delete-missing', 'deleting a key that does not exist inside a transaction succeeds', ['TRANSACTIONAL'], async () => {
      expectStatus(await transact([{ operation: 'delete', request: { key: key('tx-never-written') } }]), 204);
    });

    addCase('transaction.empty', 'an empty operation list is 204', ['TRANSACTIONAL'], async () => {
      expectStatus(await call('POST', `${storeUrl()}/transaction`, { operations: [] }), 204);
    });

    addCase('transaction.stale-etag', 'a stale ETag fails the whole transaction (500 ERR_STATE_TRANSACTION) and changes nothing', ['TRANSACTIONAL', 'ETAG'], async () => {
      const [k1, k2, k3] = [key('txe-1'), key('txe-2'), key('txe-3')];
      expectStatus(await save([{ key: k1, value: 'one' }, { key: k3, value: 'three' }]), 204);
      const stale = await etagOf(k1);
      expectStatus(await save([{ key: k1, value: 'one-v2' }]), 204);
      const current = await etagOf(k1);
      // The stale operation comes last: a store that applies operations one by one would already have written k2.
      const upsertStale = await transact([
        { operation: 'upsert', request: { key: k2, value: 'new' } },
        { operation: 'delete', request: { key: k3 } },
        { operation: 'upsert', request: { key: k1, value: 'one-v3', etag: stale } },
      ]);
      expectStatus(upsertStale, 500, 'ERR_STATE_TRANSACTION');
      const deleteStale = await transact([
        { operation: 'upsert', request: { key: k2, value: 'new' } },
        { operation: 'delete', request: { key: k1, etag: stale } },
      ]);
      expectStatus(deleteStale, 500, 'ERR_STATE_TRANSACTION');
      await expectMissing(k2);
      await expectValue(k3, 'three');
      await expectValue(k1, 'one-v2');
      expect(await etagOf(k1)).toBe(current);
    });

    addCase('transaction.etag', 'a transaction with the current ETag succeeds', ['TRANSACTIONAL', 'ETAG'], async () => {
      const k = key('txe-ok');
      expectStatus(await save([{ key: k, value: 1 }]), 204);
      const etag = await etagOf(k);
      expectStatus(await transact([{ operation: 'upsert', request: { key: k, value: 2, etag } }]), 204);
      await expectValue(k, 2);
      expect(await etagOf(k)).not.toBe(etag);
    });
  });
}
