/// <reference types="jest" />
/**
 * @module contract/state-query
 * The state contract's query cases (QUERY_API claimed): Dapr's query language over JSON values,
 * restricted to the key prefix the API layer passes (taken literally), with sort and paging by an
 * opaque token. Error wording for malformed queries is the component's own and stays in its tests.
 */
import { json } from './common';
import type { StateCaseContext } from './state';
import { STATE_FEATURE, type ContractQueryRequest, type ContractQueryResponse } from './types';

const QUERY = [STATE_FEATURE.QUERY_API];

const PEOPLE = [
  { id: 1, person: { org: 'Dev Ops', id: 1036 }, city: 'Seattle', state: 'WA', score: 12.5 },
  { id: 2, person: { org: 'Hardware', id: 1028 }, city: 'Portland', state: 'OR', score: 0.5 },
  { id: 3, person: { org: 'Finance', id: 1071 }, city: 'Sacramento', state: 'CA', score: 7 },
  { id: 4, person: { org: 'Dev Ops', id: 1042 }, city: 'Spokane', state: 'WA', score: 30 },
  { id: 5, person: { org: 'Hardware', id: 1007 }, city: 'Los Angeles', state: 'CA', score: 9 },
];

export function registerQueryCases(ctx: StateCaseContext, claimed: readonly string[]): void {
  const { add, key } = ctx;
  const base = `${ctx.prefix}qa-`;
  let seeded: Promise<Map<number, string>> | undefined;

  /** Writes the documents once (on first use): five under `qa-`, look-alikes under other prefixes. */
  const seed = (): Promise<Map<number, string>> => {
    seeded ??= (async () => {
      const s = ctx.store();
      const keys = new Map<number, string>();
      for (const p of PEOPLE) {
        const k = key(`qa-p${p.id}`);
        keys.set(p.id, k);
        await s.set({ key: k, value: json(p) });
      }
      await s.set({ key: key('qb-p9'), value: json({ ...PEOPLE[0], id: 9 }) });
      await s.set({ key: key('q_-p8'), value: json({ ...PEOPLE[0], id: 8 }) });
      return keys;
    })();
    return seeded;
  };
  const query = async (req: Omit<ContractQueryRequest, 'keyPrefix'> & { keyPrefix?: string }): Promise<ContractQueryResponse> => {
    await seed();
    const s = ctx.store();
    if (typeof s.query !== 'function') throw new Error('the store claims QUERY_API but has no query()');
    return s.query({ keyPrefix: base, ...req });
  };
  const ids = (r: ContractQueryResponse): number[] => r.results.map((x) => (JSON.parse(x.data.toString()) as { id: number }).id);
  const byId = [{ key: 'id' }];

  add('EQ on a nested path returns the prefixed keys, their values and ETags, and no token', QUERY, async () => {
    const keys = await seed();
    const r = await query({ filter: { EQ: { 'person.org': 'Dev Ops' } }, sort: [{ key: 'person.id' }] });
    expect(ids(r)).toEqual([1, 4]);
    expect(r.results[0]?.key).toBe(keys.get(1));
    expect(JSON.parse((r.results[0]?.data as Buffer).toString())).toEqual(PEOPLE[0]);
    if (claimed.includes(STATE_FEATURE.ETAG)) expect(r.results[0]?.etag).toBe((await ctx.store().get({ key: keys.get(1) as string }))?.etag);
    expect(r.token).toBeUndefined();
  });

  add('IN, NEQ and the numeric comparisons', QUERY, async () => {
    expect(ids(await query({ filter: { IN: { state: ['CA', 'OR'] } }, sort: byId }))).toEqual([2, 3, 5]);
    expect(ids(await query({ filter: { IN: { state: [] } } }))).toEqual([]);
    expect(ids(await query({ filter: { NEQ: { state: 'WA' } }, sort: byId }))).toEqual([2, 3, 5]);
    expect(ids(await query({ filter: { GT: { score: 12.5 } } }))).toEqual([4]);
    expect(ids(await query({ filter: { GTE: { score: 12.5 } }, sort: byId }))).toEqual([1, 4]);
    expect(ids(await query({ filter: { LT: { score: 7 } } }))).toEqual([2]);
    expect(ids(await query({ filter: { LTE: { score: 7 } }, sort: byId }))).toEqual([2, 3]);
  });

  add('AND and OR, nested', QUERY, async () => {
    expect(ids(await query({ filter: { AND: [{ EQ: { state: 'WA' } }, { GT: { score: 20 } }] } }))).toEqual([4]);
    const or = { OR: [{ AND: [{ GT: { score: 11.1 } }, { NEQ: { city: 'Spokane' } }] }, { LTE: { score: 0.5 } }] };
    expect(ids(await query({ filter: or, sort: byId }))).toEqual([1, 2]);
  });

  add('sorts by several keys, ascending and descending', QUERY, async () => {
    const r = await query({ sort: [{ key: 'state', order: 'DESC' }, { key: 'person.id', order: 'ASC' }] });
    expect(ids(r)).toEqual([1, 4, 2, 5, 3]);
    expect(ids(await query({ sort: [{ key: 'score', order: 'DESC' }] }))).toEqual([4, 1, 5, 3, 2]);
  });

  add('pages with an opaque token until every match was returned once', QUERY, async () => {
    const seen: number[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const r = await query({ sort: [{ key: 'person.id' }], page: { limit: 2, token } });
      seen.push(...ids(r));
      sizes.push(r.results.length);
      token = r.token;
    } while (token && sizes.length < 10);
    expect(seen).toEqual([5, 2, 1, 4, 3]);
    expect(sizes).toEqual([2, 2, 1]);
  });

  add('takes the key prefix literally (no LIKE wildcards)', QUERY, async () => {
    const r = await query({ keyPrefix: `${ctx.prefix}q_-` });
    expect(ids(r)).toEqual([8]);
  });
}
