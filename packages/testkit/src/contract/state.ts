/// <reference types="jest" />
/**
 * @module contract/state
 * The in-process state store contract suite (the checks of components-contrib
 * tests/conformance/state, run against the component interface rather than through the sidecar).
 * A component's index.test.ts calls runStateContract with its factory and init metadata; every case
 * for an optional feature runs only when the store claims it in features(), and a store that does
 * not claim TRANSACTIONAL or QUERY_API is checked to really lack it.
 *
 * @example
 * runStateContract({ name: 'state.in-memory', factory: () => createInMemoryStateStore(ctx) });
 */
import { contextOf, createRegistrar, declaredFeatures, json, metadataOf, runId, type CaseRegistrar } from './common';
import { registerEtagCases } from './state-etag';
import { registerQueryCases } from './state-query';
import { registerTransactionCases, registerTtlCases } from './state-optional';
import { STATE_FEATURE, type ContractCommonOptions, type ContractGetResponse, type ContractStateStore } from './types';

export interface StateContractOptions extends ContractCommonOptions {
  /** Returns an uninitialised store; the suite inits one in beforeAll and closes it in afterAll. */
  factory: () => ContractStateStore;
  /** An ETag the store refuses as malformed (ETagInvalidError); leave out for free-form ETags. */
  badEtag?: string;
  /** Every key the suite writes starts with this (default `contract-<run id>||`). */
  keyPrefix?: string;
  /** Per-case timeout (default 20 s). */
  timeoutMs?: number;
}

/** What the case files get from the runner. */
export interface StateCaseContext {
  o: StateContractOptions;
  add: CaseRegistrar['add'];
  /** The initialised store (valid inside a case). */
  store(): ContractStateStore;
  /** A fresh key under the suite's prefix; recorded so afterAll deletes it. */
  key(name: string): string;
  /** The suite's key prefix. */
  prefix: string;
}

export function runStateContract(o: StateContractOptions): void {
  const claimed = declaredFeatures(o.factory);
  const prefix = o.keyPrefix ?? `contract-${runId()}||`;
  const written = new Set<string>();
  let store: ContractStateStore | undefined;
  let n = 0;

  describe(`state contract: ${o.name} [${[...claimed].sort().join(', ') || 'no optional features'}]`, () => {
    const add = createRegistrar(o, claimed, o.timeoutMs ?? 20000);
    const ctx: StateCaseContext = {
      o,
      add: add.add,
      prefix,
      store: () => {
        if (!store) throw new Error('the state contract suite used its store before beforeAll initialised it');
        return store;
      },
      key: (name) => {
        const k = `${prefix}${name}-${++n}`;
        written.add(k);
        return k;
      },
    };

    beforeAll(async () => {
      if (!add.up) return;
      const s = o.factory();
      await s.init(metadataOf(o), contextOf(o));
      store = s;
    });

    afterAll(async () => {
      if (store) {
        // Leave nothing behind in shared backends; a key a case already deleted is not an error.
        await Promise.allSettled([...written].map((key) => (store as ContractStateStore).delete({ key })));
        await store.close();
      }
      if (add.up) await o.cleanup?.();
    });

    describe('features', () => registerFeatureCases(ctx, claimed));
    describe('get, set and delete', () => registerCrudCases(ctx));
    describe('etags', () => registerEtagCases(ctx));
    describe('transactions', () => registerTransactionCases(ctx));
    describe('ttl', () => registerTtlCases(ctx));
    describe('query', () => registerQueryCases(ctx, claimed));
  });
}

function registerFeatureCases(ctx: StateCaseContext, claimed: readonly string[]): void {
  const { add, o } = ctx;
  add('declares known feature names, each once, the same on every call', [], async () => {
    const known: string[] = Object.values(STATE_FEATURE);
    for (const f of claimed) expect(known).toContain(f);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect([...ctx.store().features()]).toEqual(claimed);
    if (o.expectedFeatures) expect([...claimed].sort()).toEqual([...o.expectedFeatures].sort());
  });

  add('has multi() exactly when it claims TRANSACTIONAL (what isTransactional checks)', [], async () => {
    const s = ctx.store();
    if (claimed.includes(STATE_FEATURE.TRANSACTIONAL)) {
      expect(typeof s.multi).toBe('function');
      return;
    }
    if (typeof s.multi !== 'function') return;
    // Unclaimed yet present: it must refuse rather than half-work behind the guard's back.
    const k = ctx.key('unclaimed-multi');
    await expect(s.multi([{ operation: 'upsert', request: { key: k, value: json('x') } }])).rejects.toThrow();
    expect(await s.get({ key: k })).toBeUndefined();
  });

  add('has query() exactly when it claims QUERY_API (what isQueryable checks)', [], async () => {
    const s = ctx.store();
    if (claimed.includes(STATE_FEATURE.QUERY_API)) {
      expect(typeof s.query).toBe('function');
      return;
    }
    if (typeof s.query !== 'function') return;
    await expect(s.query({ keyPrefix: ctx.prefix })).rejects.toThrow();
  });
}

function registerCrudCases(ctx: StateCaseContext): void {
  const { add, key } = ctx;
  const s = (): ContractStateStore => ctx.store();

  add('get of a key never written resolves to undefined', [], async () => {
    expect(await s().get({ key: key('missing') })).toBeUndefined();
  });

  add('returns the saved bytes verbatim: JSON text, unicode and non-UTF-8 bytes', [], async () => {
    const values = [Buffer.from('{"b":1,"a":{"z":[true,null],"y":"é😀"}}'), json('a string'), Buffer.from('42'), Buffer.from([0x00, 0xff, 0x01, 0x80])];
    const keys = values.map((_, i) => key(`verbatim-${i}`));
    for (const [i, value] of values.entries()) await s().set({ key: keys[i] as string, value });
    for (const [i, value] of values.entries()) {
      const got = await s().get({ key: keys[i] as string });
      expect(got?.data.equals(value)).toBe(true);
    }
  });

  add('a second set overwrites the value', [], async () => {
    const k = key('overwrite');
    await s().set({ key: k, value: json('v1') });
    await s().set({ key: k, value: json('v2') });
    expect((await s().get({ key: k }))?.data.toString()).toBe('"v2"');
  });

  add('delete removes the key; deleting a missing key is not an error', [], async () => {
    const k = key('delete');
    await s().set({ key: k, value: json('v') });
    await s().delete({ key: k });
    expect(await s().get({ key: k })).toBeUndefined();
    await s().delete({ key: k });
    await s().delete({ key: key('never-written') });
  });

  add('keeps keys apart: writing one key leaves a similar one untouched', [], async () => {
    const [a, b] = [key('apart'), key('apart')];
    await s().set({ key: a, value: json('a') });
    await s().set({ key: b, value: json('b') });
    await s().delete({ key: a });
    expect((await s().get({ key: b }))?.data.toString()).toBe('"b"');
  });

  add('bulk get returns every key, the missing ones without data', [], async () => {
    const [a, b, missing] = [key('bulk-a'), key('bulk-b'), key('bulk-missing')];
    await s().set({ key: a, value: json('a') });
    await s().set({ key: b, value: json({ b: 1 }) });
    const got = await bulkGet(s(), [a, b, missing]);
    expect(got.map((g) => [g.key, g.data?.toString()])).toEqual([
      [a, '"a"'],
      [b, '{"b":1}'],
      [missing, undefined],
    ]);
    for (const g of got.slice(0, 2)) expect(g.error).toBeUndefined();
    // Each item carries the same ETag a single get reports.
    expect(got[0]?.etag).toBe((await s().get({ key: a }))?.etag);
  });
}

/** The store's own bulkGet when it has one, else what the API layer does: one get per key, in parallel. */
async function bulkGet(s: ContractStateStore, keys: string[]): Promise<Array<{ key: string; data?: Buffer; etag?: string; error?: string }>> {
  if (typeof s.bulkGet === 'function') {
    const items = await s.bulkGet(keys.map((key) => ({ key })));
    return keys.map((k) => items.find((i) => i.key === k) ?? { key: k });
  }
  const got = await Promise.all(keys.map((key) => s.get({ key })));
  return got.map((g: ContractGetResponse | undefined, i) => ({ key: keys[i] as string, data: g?.data, etag: g?.etag }));
}
