/// <reference types="jest" />
/**
 * @module conformance/state-ttl
 * The state conformance suite's TTL cases: expiry, the metadata.ttlExpireTime header, and removing or
 * replacing a TTL.
 */
import { outcome, type HttpResult } from './http';
import { waitFor } from '../wait';
import type { StateSuiteContext } from './state-suite';

export function registerTtlCases(ctx: StateSuiteContext): void {
  const { o, key, save, get, bulk, expectValue, expectMissing, expectStatus, addCase } = ctx;
  describe('ttl', () => {
    const expireHeader = (r: HttpResult): string | null => r.headers.get('metadata.ttlexpiretime');

    addCase('ttl.expire', 'a key saved with ttlInSeconds 2 is readable at once and gone before the deadline', ['TTL'], async () => {
      const k = key('ttl-2s');
      expectStatus(await save([{ key: k, value: 'short-lived', metadata: { ttlInSeconds: '2' } }]), 204);
      await expectValue(k, 'short-lived');
      const deadline = o.ttlDeadlineMs ?? 10000;
      await waitFor(`${k} to expire`, async () => (await get(k)).status === 204, { timeoutMs: deadline, intervalMs: 200 });
      await expectMissing(k);
    });

    addCase('ttl.expire-time', 'a TTL is reported as the metadata.ttlExpireTime header (RFC 3339), also in bulk get', ['TTL'], async () => {
      const k = key('ttl-1h');
      expectStatus(await save([{ key: k, value: 'v', metadata: { ttlInSeconds: '3600' } }]), 204);
      const r = await get(k);
      const header = expireHeader(r);
      expect(header).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
      expect(Math.abs(Date.parse(header as string) - (Date.now() + 3600_000))).toBeLessThan(600_000);
      const b = (await bulk([k])).json as Array<{ metadata?: Record<string, string> }>;
      expect(b[0]?.metadata?.ttlExpireTime).toBeDefined();
    });

    addCase('ttl.query-param', 'metadata.ttlInSeconds as a query parameter sets the TTL', ['TTL'], async () => {
      const k = key('ttl-param');
      expectStatus(await save([{ key: k, value: 'v' }], '?metadata.ttlInSeconds=3600'), 204);
      expect(expireHeader(await get(k))).toBeTruthy();
    });

    addCase('ttl.none', 'a key saved without a TTL has no ttlExpireTime', ['TTL'], async () => {
      const k = key('ttl-none');
      expectStatus(await save([{ key: k, value: 'v' }]), 204);
      const r = await get(k);
      expect({ status: r.status, expire: expireHeader(r) }).toEqual({ status: 200, expire: null });
    });

    addCase('ttl.remove-with-minus-one', 'ttlInSeconds -1 removes an existing TTL and keeps the key', ['TTL'], async () => {
      const k = key('ttl-minus-one');
      expectStatus(await save([{ key: k, value: 'v1', metadata: { ttlInSeconds: '3600' } }]), 204);
      expect(expireHeader(await get(k))).toBeTruthy();
      expectStatus(await save([{ key: k, value: 'v2', metadata: { ttlInSeconds: '-1' } }]), 204);
      const r = await get(k);
      expect({ status: r.status, body: r.text, expire: expireHeader(r) }).toEqual({ status: 200, body: '"v2"', expire: null });
    });

    addCase('ttl.overwrite-removes', 'overwriting without ttlInSeconds removes the TTL', ['TTL'], async () => {
      const k = key('ttl-overwrite');
      expectStatus(await save([{ key: k, value: 'v1', metadata: { ttlInSeconds: '3600' } }]), 204);
      expectStatus(await save([{ key: k, value: 'v2' }]), 204);
      expect(expireHeader(await get(k))).toBeNull();
    });

    addCase('ttl.bad-value', 'a ttlInSeconds that is not a number is refused (ERR_STATE_SAVE) and nothing is written', ['TTL'], async () => {
      const k = key('ttl-foo');
      const r = await save([{ key: k, value: 'v', metadata: { ttlInSeconds: 'foo' } }]);
      expect(outcome(r)).toMatchObject({ errorCode: 'ERR_STATE_SAVE' });
      expect(r.status).toBeGreaterThanOrEqual(400);
      await expectMissing(k);
    });
  });
}
