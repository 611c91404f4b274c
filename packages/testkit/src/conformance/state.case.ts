/// <reference types="jest" />
/**
 * @module conformance/state
 * The state store conformance suite (components-contrib tests/conformance/state, targets.md 4.1),
 * replayed through the sidecar's HTTP state API. A conformance file starts one sidecar with the
 * store's component and calls runStateConformance with the features the store claims; cases for
 * unclaimed features are registered as skipped with the reason in their name.
 */
import { randomBytes } from 'node:crypto';
import { call, outcome, type HttpResult } from './http';
import { waitFor } from '../wait';

export interface StateConformanceOptions {
  /** The component name (`metadata.name`) the sidecar loaded. */
  storeName: string;
  /** Base URL of the sidecar (`http://127.0.0.1:<port>`), or a function read when each case runs. */
  sidecarUrl: string | (() => string);
  /** Claimed features, as in /v1.0/metadata `capabilities`: ETAG, TRANSACTIONAL, TTL, QUERY_API, … */
  features: readonly string[];
  /** An ETag the store rejects as malformed (400), e.g. `not-a-number` for integer ETags; omit for free-form ETags. */
  badEtag?: string;
  /** Case id → reason: the case is registered as skipped, named "… (known failure: <reason>)". */
  knownFailures?: Record<string, string>;
  /** When set, every case is skipped with this reason (e.g. the backing service is missing). */
  skipAll?: string;
  /** Deadline for a key with a 2 s TTL to disappear (default 10 s). */
  ttlDeadlineMs?: number;
}

export const STATE_CONFORMANCE_FEATURES = { ETAG: 'ETAG', TRANSACTIONAL: 'TRANSACTIONAL', TTL: 'TTL', QUERY_API: 'QUERY_API' } as const;

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

type CaseFn = () => Promise<void>;

export function runStateConformance(o: StateConformanceOptions): void {
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const written = new Set<string>();
  const has = (f: string): boolean => o.features.includes(f);
  const base = (): string => (typeof o.sidecarUrl === 'function' ? o.sidecarUrl() : o.sidecarUrl);
  const storeUrl = (): string => `${base()}/v1.0/state/${encodeURIComponent(o.storeName)}`;
  const key = (name: string): string => `conf-${run}-${name}`;

  const save = (items: Array<Record<string, unknown>>, query = ''): Promise<HttpResult> => {
    for (const it of items) written.add(String(it.key));
    return call('POST', storeUrl() + query, items);
  };
  const get = (k: string): Promise<HttpResult> => call('GET', `${storeUrl()}/${encodeURIComponent(k)}`);
  const del = (k: string, etag?: string): Promise<HttpResult> =>
    call('DELETE', `${storeUrl()}/${encodeURIComponent(k)}`, undefined, etag === undefined ? {} : { 'if-match': etag });
  const bulk = (keys: string[], extra: Record<string, unknown> = {}): Promise<HttpResult> => call('POST', `${storeUrl()}/bulk`, { keys, ...extra });
  const transact = (operations: Array<{ operation: string; request: Record<string, unknown> }>): Promise<HttpResult> => {
    for (const op of operations) written.add(String(op.request.key));
    return call('POST', `${storeUrl()}/transaction`, { operations });
  };
  const query = (q: unknown): Promise<HttpResult> =>
    call('POST', `${base()}/v1.0-alpha1/state/${encodeURIComponent(o.storeName)}/query?metadata.contentType=application/json&metadata.queryIndexName=qIndx`, q);
  const etagOf = async (k: string): Promise<string> => {
    const r = await get(k);
    expect({ status: r.status, etag: Boolean(r.headers.get('etag')) }).toEqual({ status: 200, etag: true });
    return r.headers.get('etag') as string;
  };
  const expectValue = async (k: string, value: unknown): Promise<void> => {
    const r = await get(k);
    expect({ status: r.status, body: r.text }).toEqual({ status: 200, body: JSON.stringify(value) });
  };
  const expectMissing = async (k: string): Promise<void> => {
    const r = await get(k);
    expect({ status: r.status, body: r.text, etag: r.headers.get('etag') }).toEqual({ status: 204, body: '', etag: null });
  };
  const expectStatus = (r: HttpResult, status: number, errorCode?: string): void => {
    expect(outcome(r)).toMatchObject(errorCode ? { status, errorCode } : { status });
  };

  /** Registers one case, skipped (with the reason in its name) when a feature is unclaimed or it is a known failure. */
  const addCase = (id: string, title: string, needs: string[], fn: CaseFn, skipReason?: string): void => {
    const name = `${id}: ${title}`;
    const missing = needs.filter((f) => !has(f));
    const reason =
      o.skipAll ? `SKIPPED: ${o.skipAll}`
      : missing.length > 0 ? `store does not claim ${missing.join(' and ')}`
      : skipReason ? skipReason
      : o.knownFailures?.[id] ? `known failure: ${o.knownFailures[id]}`
      : undefined;
    if (reason) it.skip(`${name} (${reason})`, () => undefined);
    else it(name, fn);
  };

  describe(`state conformance: ${o.storeName} [${[...o.features].sort().join(', ') || 'no optional features'}]`, () => {
    afterAll(async () => {
      // Leave nothing behind in shared backends (Redis, PostgreSQL); a dead sidecar is not an error here.
      if (o.skipAll) return;
      await Promise.allSettled([...written].map((k) => del(k)));
    });

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

    describe('query (alpha)', () => {
      const docs: Record<string, Record<string, unknown>> = {
        a: { run, name: 'a', status: 'ACTIVE', product: { color: 'red', value: 1 } },
        b: { run, name: 'b', status: 'INACTIVE', product: { color: 'blue', value: 2 } },
        c: { run, name: 'c', status: 'ACTIVE', product: { color: 'green', value: 3 } },
        d: { run, name: 'd', status: 'DELETED', product: { color: 'red', value: 4 } },
        e: { run, name: 'e', status: 'ACTIVE', product: { color: 'blue', value: 5 } },
      };
      const qkey = (n: string): string => key(`query-${n}`);
      const onlyThisRun = (filter?: unknown): unknown => ({ AND: [{ EQ: { run } }, ...(filter ? [filter] : [])] });
      let seeded = false;
      const seed = async (): Promise<void> => {
        if (seeded) return;
        expectStatus(await save(Object.entries(docs).map(([n, value]) => ({ key: qkey(n), value }))), 204);
        seeded = true;
      };
      type Results = { results: Array<{ key: string; data: unknown; etag?: string }>; token?: string };
      const names = async (q: unknown): Promise<string[]> => {
        await seed();
        const r = await query(q);
        if (r.status === 204) return [];
        expect(r.status).toBe(200);
        const body = r.json as Results;
        for (const item of body.results) {
          const n = item.key.slice(key('query-').length);
          expect({ key: item.key, data: item.data }).toEqual({ key: qkey(n), data: docs[n] });
          if (has('ETAG')) expect(item.etag).toBeTruthy();
        }
        return body.results.map((x) => x.key.slice(key('query-').length));
      };
      const sorted = (xs: string[]): string[] => [...xs].sort();

      addCase('query.eq', 'EQ on a top-level field', ['QUERY_API'], async () => {
        expect(sorted(await names({ filter: onlyThisRun({ EQ: { status: 'ACTIVE' } }) }))).toEqual(['a', 'c', 'e']);
      });

      addCase('query.eq-nested', 'EQ on a nested field (product.color)', ['QUERY_API'], async () => {
        expect(sorted(await names({ filter: onlyThisRun({ EQ: { 'product.color': 'red' } }) }))).toEqual(['a', 'd']);
      });

      addCase('query.in', 'IN on a field', ['QUERY_API'], async () => {
        expect(sorted(await names({ filter: onlyThisRun({ IN: { status: ['INACTIVE', 'DELETED'] } }) }))).toEqual(['b', 'd']);
      });

      addCase('query.and-or', 'OR of EQ and IN, nested in AND', ['QUERY_API'], async () => {
        const f = onlyThisRun({ OR: [{ EQ: { status: 'INACTIVE' } }, { IN: { 'product.color': ['green', 'red'] } }] });
        expect(sorted(await names({ filter: f }))).toEqual(['a', 'b', 'c', 'd']);
        const g = onlyThisRun({ AND: [{ EQ: { status: 'ACTIVE' } }, { EQ: { 'product.color': 'blue' } }] });
        expect(await names({ filter: g })).toEqual(['e']);
      });

      addCase('query.comparisons', 'GT, GTE, LT, LTE and NEQ on a nested number (product.value)', ['QUERY_API'], async () => {
        const f = onlyThisRun({ AND: [{ GTE: { 'product.value': 2 } }, { LT: { 'product.value': 5 } }, { NEQ: { 'product.value': 3 } }] });
        expect(sorted(await names({ filter: f }))).toEqual(['b', 'd']);
        const g = onlyThisRun({ OR: [{ GT: { 'product.value': 4 } }, { LTE: { 'product.value': 1 } }] });
        expect(sorted(await names({ filter: g }))).toEqual(['a', 'e']);
      });

      addCase('query.sort', 'sort ASC and DESC', ['QUERY_API'], async () => {
        expect(await names({ filter: onlyThisRun(), sort: [{ key: 'name', order: 'DESC' }] })).toEqual(['e', 'd', 'c', 'b', 'a']);
        expect(await names({ filter: onlyThisRun(), sort: [{ key: 'status' }, { key: 'name', order: 'DESC' }] })).toEqual(['e', 'c', 'a', 'd', 'b']);
      });

      addCase('query.paging', 'paging with limit and token visits every match once, in order', ['QUERY_API'], async () => {
        await seed();
        const seen: string[] = [];
        let token: string | undefined;
        for (let page = 0; page < 6; page++) {
          const r = await query({ filter: onlyThisRun(), sort: [{ key: 'name', order: 'ASC' }], page: { limit: 2, ...(token ? { token } : {}) } });
          if (r.status === 204) break;
          expect(r.status).toBe(200);
          const body = r.json as Results;
          expect(body.results.length).toBeLessThanOrEqual(2);
          seen.push(...body.results.map((x) => x.key.slice(key('query-').length)));
          token = body.token;
          if (!token || body.results.length < 2) break;
        }
        expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
      });

      addCase('query.no-match', 'a query without matches is 204', ['QUERY_API'], async () => {
        await seed();
        expectStatus(await query({ filter: onlyThisRun({ EQ: { status: 'NO-SUCH-STATUS' } }) }), 204);
      });

      addCase('query.malformed', 'a malformed query is 400 ERR_MALFORMED_REQUEST', ['QUERY_API'], async () => {
        expectStatus(await query({ filter: { LIKE: { status: 'A%' } } }), 400, 'ERR_MALFORMED_REQUEST');
      });

      addCase('query.unsupported', 'a store without QUERY_API answers 500 ERR_STATE_STORE_NOT_SUPPORTED', [], async () => {
        expectStatus(await query({ filter: { EQ: { status: 'ACTIVE' } } }), 500, 'ERR_STATE_STORE_NOT_SUPPORTED');
      }, has('QUERY_API') ? 'the store claims QUERY_API' : undefined);
    });
  });
}
