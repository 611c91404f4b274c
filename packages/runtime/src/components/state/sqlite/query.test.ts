/**
 * state.sqlite: the state query API (filters, sort, paging, malformed queries).
 */
import type { SqliteStateStore } from '.';
import { json, useSqliteStores, v } from '../../../../test/support/sqlite';

const { store } = useSqliteStores();

describe('state.sqlite query', () => {
  const people = [
    { key: 'app||1', value: { person: { org: 'Dev Ops', id: 1036 }, city: 'Seattle', state: 'WA', n: 1.5, active: true } },
    { key: 'app||2', value: { person: { org: 'Hardware', id: 1028 }, city: 'Portland', state: 'OR', n: 11.2, active: false } },
    { key: 'app||3', value: { person: { org: 'Finance', id: 1071 }, city: 'Sacramento', state: 'CA', n: 0.5, active: true } },
    { key: 'app||4', value: { person: { org: 'Dev Ops', id: 1042 }, city: 'Spokane', state: 'WA', n: 20, active: true } },
    { key: 'app||5', value: { person: { org: 'Dev Ops', id: 1007 }, city: 'San Diego', state: 'CA', n: 7, active: false } },
    { key: 'other||6', value: { person: { org: 'Dev Ops', id: 1 }, state: 'WA' } },
  ];
  let s: SqliteStateStore;

  beforeEach(async () => {
    s = await store();
    for (const p of people) await s.set({ key: p.key, value: v(p.value) });
    await s.set({ key: 'app||bin', value: Buffer.from([0xff, 0x00]) });
    await s.set({ key: 'app||scalar', value: v('just a string') });
  });

  const keys = async (q: Omit<Parameters<SqliteStateStore['query']>[0], 'keyPrefix'>) =>
    (await s.query({ keyPrefix: 'app||', ...q })).results.map((r) => r.key);

  it('filters with EQ on nested paths, restricted to the key prefix', async () => {
    expect(await keys({ filter: { EQ: { 'person.org': 'Dev Ops' } } })).toEqual(['app||1', 'app||4', 'app||5']);
    expect(await keys({ filter: { EQ: { active: true } } })).toEqual(['app||1', 'app||3', 'app||4']);
    const r = await s.query({ keyPrefix: 'app||', filter: { EQ: { state: 'OR' } } });
    expect(r.results).toHaveLength(1);
    expect(json(r.results[0]?.data)).toEqual(people[1]?.value);
    expect(r.results[0]?.etag).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.token).toBeUndefined();
  });

  it('supports NEQ, GT, GTE, LT, LTE, IN, AND and OR', async () => {
    expect(await keys({ filter: { NEQ: { state: 'WA' } } })).toEqual(['app||2', 'app||3', 'app||5']);
    expect(await keys({ filter: { IN: { state: ['CA', 'OR'] } } })).toEqual(['app||2', 'app||3', 'app||5']);
    expect(await keys({ filter: { IN: { state: [] } } })).toEqual([]);
    expect(await keys({ filter: { OR: [{ EQ: { state: 'WA' } }, { IN: { city: ['Portland'] } }] } })).toEqual(['app||1', 'app||2', 'app||4']);
    expect(
      await keys({ filter: { AND: [{ EQ: { 'person.org': 'Dev Ops' } }, { GTE: { 'person.id': 1036 } }, { LT: { n: 20 } }, { NEQ: { state: 'CA' } }] } }),
    ).toEqual(['app||1']);
    expect(await keys({ filter: { OR: [{ AND: [{ GT: { n: 11.1 } }, { EQ: { state: 'OR' } }] }, { AND: [{ LTE: { n: 0.5 } }] }] } })).toEqual([
      'app||2',
      'app||3',
    ]);
    expect(await keys({})).toHaveLength(6);
  });

  it('sorts by paths and pages with an opaque token', async () => {
    expect(await keys({ sort: [{ key: 'state', order: 'DESC' }, { key: 'person.id' }] })).toEqual([
      'app||1',
      'app||4',
      'app||2',
      'app||5',
      'app||3',
      'app||scalar',
    ]);
    const seen: string[] = [];
    let token: string | undefined;
    const pages: number[] = [];
    do {
      const r = await s.query({ keyPrefix: 'app||', filter: { EQ: { 'person.org': 'Dev Ops' } }, sort: [{ key: 'person.id', order: 'ASC' }], page: { limit: 2, token } });
      pages.push(r.results.length);
      seen.push(...r.results.map((x) => x.key));
      token = r.token;
    } while (token);
    expect(pages).toEqual([2, 1]);
    expect(seen).toEqual(['app||5', 'app||1', 'app||4']);
  });

  it('rejects malformed queries with a clear error', async () => {
    await expect(s.query({ keyPrefix: 'app||', filter: { LIKE: { a: 1 } } as never })).rejects.toThrow(/unknown filter operator "LIKE"/);
    await expect(s.query({ keyPrefix: 'app||', filter: { EQ: { a: 1, b: 2 } } })).rejects.toThrow(/exactly one field/);
    await expect(s.query({ keyPrefix: 'app||', filter: { AND: [] } })).rejects.toThrow(/non-empty list/);
    await expect(s.query({ keyPrefix: 'app||', sort: [{ key: 'a', order: 'UP' as never }] })).rejects.toThrow(/ASC or DESC/);
    await expect(s.query({ keyPrefix: 'app||', page: { limit: 2, token: 'abc' } })).rejects.toThrow(/pagination token/);
    await expect(s.query({ keyPrefix: 'app||', filter: { EQ: { 'a..b': 1 } } })).rejects.toThrow(/field path/);
  });
});
