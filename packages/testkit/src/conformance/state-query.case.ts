/// <reference types="jest" />
/**
 * @module conformance/state-query
 * The state conformance suite's query (alpha) cases: filters, sort and paging over documents seeded
 * once per run.
 */
import type { StateSuiteContext } from './state-suite';

export function registerQueryCases(ctx: StateSuiteContext): void {
  const { run, has, key, save, query, expectStatus, addCase } = ctx;
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
}
