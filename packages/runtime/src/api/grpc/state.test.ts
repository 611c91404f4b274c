/**
 * The state RPCs over a real grpc-js server and client (handlers + call wrapper + error mapping),
 * backed by the in-memory store: etags as Etag{value}, the option enums, per-item bulk errors,
 * transactions, the query text, and each error's gRPC code and details.
 */
import { status } from '@grpc/grpc-js';
import { ETagInvalidError } from '../../components/errors';
import { InMemoryStateStore } from '../../components/state/in-memory';
import { STATE_FEATURES, type DeleteRequest, type GetRequest, type QueryRequest, type QueryResponse, type SetRequest, type StateStore } from '../../components/state/contract';
import { ComponentStore } from '../../components/store';
import type { Category, Component } from '../../components/types';
import { serveModules, type Served } from '../../../test/support/grpc';
import { concurrencyOf, consistencyOf, handlers } from './state';

function add(store: ComponentStore, category: Category, name: string, instance: Component): void {
  store.add({ manifest: { name, category, type: `${category}.test`, version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 1, scopes: [], file: `${name}.yaml` }, instance });
}

/** In-memory plus the query API (answers every stored key) and a hook to fail reads/deletes. */
class QueryStore extends InMemoryStateStore {
  lastQuery?: QueryRequest;
  lastGet?: GetRequest;
  lastSet?: SetRequest;
  failGet?: (key: string) => Error | undefined;
  failDelete?: (req: DeleteRequest) => Error | undefined;
  override features(): readonly string[] {
    return [...super.features(), STATE_FEATURES.QUERY_API];
  }
  override async get(req: GetRequest) {
    this.lastGet = req;
    const e = this.failGet?.(req.key);
    if (e) throw e;
    return super.get(req);
  }
  override async set(req: SetRequest) {
    this.lastSet = req;
    return super.set(req);
  }
  override async delete(req: DeleteRequest) {
    const e = this.failDelete?.(req);
    if (e) throw e;
    return super.delete(req);
  }
  async query(req: QueryRequest): Promise<QueryResponse> {
    this.lastQuery = req;
    const results = [];
    for (const key of ['app||a', 'app||b']) {
      const got = await super.get({ key });
      if (got) results.push({ key, data: got.data, etag: got.etag });
    }
    return { results, token: results.length > 0 ? '2' : undefined };
  }
}

/** A store without transactions or query. */
class PlainStore implements StateStore {
  async init(): Promise<void> {}
  async close(): Promise<void> {}
  features(): readonly string[] {
    return [];
  }
  async get() {
    return undefined;
  }
  async set(): Promise<void> {}
  async delete(): Promise<void> {}
}

let served: Served;
let backing: QueryStore;

beforeAll(async () => {
  const store = new ComponentStore();
  backing = new QueryStore();
  add(store, 'state', 'store', backing);
  add(store, 'state', 'plain', new PlainStore());
  served = await serveModules(store, [handlers]);
});
afterAll(() => served.close());

const call = (rpc: string, req: Record<string, unknown>) => served.client.call(rpc, req);
const item = (key: string, value: string, extra: Record<string, unknown> = {}) => ({ key, value: Buffer.from(value), ...extra });

describe('enum mapping', () => {
  it('maps StateConcurrency/StateConsistency numbers; unspecified and unknown are unset', () => {
    expect([0, 1, 2, 7].map(concurrencyOf)).toEqual([undefined, 'first-write', 'last-write', undefined]);
    expect([0, 1, 2, 7].map(consistencyOf)).toEqual([undefined, 'eventual', 'strong', undefined]);
  });
});

describe('GetState / SaveState / DeleteState', () => {
  it('saves bytes as sent and reads them back with the etag; a missing key is an empty answer', async () => {
    expect((await call('SaveState', { storeName: 'store', states: [item('k1', 'raw bytes'), item('k2', '{"a":1}')] })).err).toBeUndefined();
    const got = await call('GetState', { storeName: 'store', key: 'k1', consistency: 2 });
    expect(got.res.data.toString()).toBe('raw bytes');
    expect(got.res.etag).toMatch(/.+/);
    expect(backing.lastGet?.options).toEqual({ consistency: 'strong' });
    expect(backing.lastGet?.key).toBe('app||k1');
    const missing = await call('GetState', { storeName: 'store', key: 'nope' });
    expect(missing.err).toBeUndefined();
    expect(missing.res).toEqual({ data: Buffer.alloc(0), etag: '', metadata: {} });
  });

  it('passes options, metadata (TTL) and the etag; a wrong etag is ABORTED without details', async () => {
    await call('SaveState', { storeName: 'store', states: [item('e', '1', { metadata: { ttlInSeconds: '60' }, options: { concurrency: 1, consistency: 2 } })] });
    expect(backing.lastSet).toMatchObject({ key: 'app||e', metadata: { ttlInSeconds: '60' }, options: { concurrency: 'first-write', consistency: 'strong' } });
    const { etag } = (await call('GetState', { storeName: 'store', key: 'e' })).res;
    expect((await call('SaveState', { storeName: 'store', states: [item('e', '2', { etag: { value: etag } })] })).err).toBeUndefined();
    const stale = await call('SaveState', { storeName: 'store', states: [item('e', '3', { etag: { value: etag } })] });
    expect(stale.err).toMatchObject({ code: status.ABORTED, details: [] });
    expect(stale.err?.message).toMatch(/^failed saving state in state store store: /);
    const del = await call('DeleteState', { storeName: 'store', key: 'e', etag: { value: etag } });
    expect(del.err).toMatchObject({ code: status.ABORTED, details: [] });
    expect(del.err?.message).toMatch(/^failed deleting state with key e: /);
    const fresh = (await call('GetState', { storeName: 'store', key: 'e' })).res.etag;
    expect((await call('DeleteState', { storeName: 'store', key: 'e', etag: { value: fresh }, options: { concurrency: 1 } })).err).toBeUndefined();
    expect((await call('GetState', { storeName: 'store', key: 'e' })).res.data).toEqual(Buffer.alloc(0));
  });

  it('an empty etag value is no etag', async () => {
    await call('SaveState', { storeName: 'store', states: [item('ee', '1')] });
    expect((await call('SaveState', { storeName: 'store', states: [item('ee', '2', { etag: { value: '' } })] })).err).toBeUndefined();
  });

  it('an invalid etag is INVALID_ARGUMENT without details', async () => {
    backing.failDelete = (r) => (r.etag === 'bad' ? new ETagInvalidError() : undefined);
    try {
      const r = await call('DeleteState', { storeName: 'store', key: 'x', etag: { value: 'bad' } });
      expect(r.err).toMatchObject({ code: status.INVALID_ARGUMENT, details: [] });
    } finally {
      backing.failDelete = undefined;
    }
  });

  it('a JSON contentType value must be JSON (UNKNOWN, as the Go decoder error)', async () => {
    const r = await call('SaveState', { storeName: 'store', states: [item('j', 'not json', { metadata: { contentType: 'application/json' } })] });
    expect(r.err?.code).toBe(status.UNKNOWN);
    expect((await call('SaveState', { storeName: 'store', states: [item('j', '{"ok":true}', { metadata: { contentType: 'application/json' } })] })).err).toBeUndefined();
  });

  it('store errors: not found INVALID_ARGUMENT + ErrorInfo; illegal key with ResourceInfo and BadRequest; empty key', async () => {
    const nf = await call('GetState', { storeName: 'nope', key: 'k' });
    expect(nf.err).toMatchObject({ code: status.INVALID_ARGUMENT, message: 'state store nope is not found', detailTypes: ['google.rpc.ErrorInfo'] });
    expect(nf.err?.details[0]).toMatchObject({ reason: 'DAPR_STATE_NOT_FOUND', domain: 'dapr.io', metadata: { appID: 'app' } });
    const illegal = await call('SaveState', { storeName: 'store', states: [item('a||b', '1')] });
    expect(illegal.err).toMatchObject({ code: status.INVALID_ARGUMENT, detailTypes: ['google.rpc.ErrorInfo', 'google.rpc.ResourceInfo', 'google.rpc.BadRequest'] });
    expect(illegal.err?.details[0]).toMatchObject({ reason: 'DAPR_STATE_ILLEGAL_KEY' });
    expect(illegal.err?.details[1]).toMatchObject({ resourceType: 'state', resourceName: 'store' });
    expect(illegal.err?.details[2]).toMatchObject({ fieldViolations: [{ field: 'a||b' }] });
    expect((await call('GetState', { storeName: 'store', key: 'a||b' })).err?.code).toBe(status.INVALID_ARGUMENT);
    expect((await call('SaveState', { storeName: 'store', states: [item('', '1')] })).err).toMatchObject({ code: status.INVALID_ARGUMENT, details: [] });
  });

  it('a failing read is INTERNAL without details', async () => {
    backing.failGet = (k) => (k === 'app||boom' ? new Error('disk on fire') : undefined);
    try {
      const r = await call('GetState', { storeName: 'store', key: 'boom' });
      expect(r.err).toMatchObject({ code: status.INTERNAL, message: 'fail to get boom from state store store: disk on fire', details: [] });
    } finally {
      backing.failGet = undefined;
    }
  });
});

describe('GetBulkState', () => {
  it('answers one item per key in order; a failed read is an item error, not a failure', async () => {
    await call('SaveState', { storeName: 'store', states: [item('b1', 'one'), item('b2', 'two')] });
    backing.failGet = (k) => (k === 'app||bad' ? new Error('broken key') : undefined);
    try {
      const r = await call('GetBulkState', { storeName: 'store', keys: ['b1', 'missing', 'bad', 'b2'], parallelism: 2 });
      expect(r.err).toBeUndefined();
      const items = r.res.items as Array<{ key: string; data: Buffer; etag: string; error: string }>;
      expect(items.map((i) => [i.key, i.data.toString(), i.error])).toEqual([
        ['b1', 'one', ''],
        ['missing', '', ''],
        ['bad', '', 'broken key'],
        ['b2', 'two', ''],
      ]);
      expect(items[0]?.etag).toMatch(/.+/);
    } finally {
      backing.failGet = undefined;
    }
    expect((await call('GetBulkState', { storeName: 'store', keys: [] })).res).toEqual({ items: [] });
    expect((await call('GetBulkState', { storeName: 'store', keys: ['x||y'] })).err?.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('DeleteBulkState', () => {
  it('deletes every item, with etags', async () => {
    await call('SaveState', { storeName: 'store', states: [item('d1', '1'), item('d2', '2')] });
    const etag = (await call('GetState', { storeName: 'store', key: 'd1' })).res.etag;
    expect((await call('DeleteBulkState', { storeName: 'store', states: [{ key: 'd1', etag: { value: etag } }, { key: 'd2' }] })).err).toBeUndefined();
    expect((await call('GetBulkState', { storeName: 'store', keys: ['d1', 'd2'] })).res.items.map((i: { data: Buffer }) => i.data.length)).toEqual([0, 0]);
  });

  it('one etag mismatch is ABORTED (message per daprd), the other items still deleted', async () => {
    await call('SaveState', { storeName: 'store', states: [item('m1', '1'), item('m2', '2')] });
    const r = await call('DeleteBulkState', { storeName: 'store', states: [{ key: 'm1', etag: { value: 'stale' } }, { key: 'm2' }] });
    expect(r.err).toMatchObject({ code: status.ABORTED, details: [] });
    expect(r.err?.message).toMatch(/^failed deleting state in state store store: /);
    expect((await call('GetState', { storeName: 'store', key: 'm1' })).res.data.toString()).toBe('1');
    expect((await call('GetState', { storeName: 'store', key: 'm2' })).res.data.length).toBe(0);
    expect((await call('DeleteBulkState', { storeName: 'store', states: [{ key: 'm1', etag: { value: 'stale' } }] })).err?.code).toBe(status.ABORTED);
  });

  it('an error that is not an etag error makes the whole call INTERNAL', async () => {
    backing.failDelete = (req) => (req.key === 'app||f1' ? new Error('io error') : undefined);
    try {
      const r = await call('DeleteBulkState', { storeName: 'store', states: [{ key: 'f1' }, { key: 'f2', etag: { value: 'stale' } }] });
      expect(r.err?.code).toBe(status.INTERNAL);
      expect(r.err?.message).toContain('io error');
    } finally {
      backing.failDelete = undefined;
    }
    expect((await call('DeleteBulkState', { storeName: 'nope', states: [{ key: 'a' }] })).err?.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('ExecuteStateTransaction', () => {
  it('runs upserts and deletes; an unknown operation is UNIMPLEMENTED; no transactions is UNIMPLEMENTED', async () => {
    await call('SaveState', { storeName: 'store', states: [item('t-old', 'x')] });
    const ok = await call('ExecuteStateTransaction', {
      storeName: 'store',
      operations: [
        { operationType: 'upsert', request: item('t-new', 'bytes!') },
        { operationType: 'delete', request: { key: 't-old' } },
      ],
    });
    expect(ok.err).toBeUndefined();
    expect((await call('GetState', { storeName: 'store', key: 't-new' })).res.data.toString()).toBe('bytes!');
    expect((await call('GetState', { storeName: 'store', key: 't-old' })).res.data.length).toBe(0);
    const merge = await call('ExecuteStateTransaction', { storeName: 'store', operations: [{ operationType: 'merge', request: { key: 'k' } }] });
    expect(merge.err).toMatchObject({ code: status.UNIMPLEMENTED, message: 'operation type merge not supported', details: [] });
    const plain = await call('ExecuteStateTransaction', { storeName: 'plain', operations: [] });
    expect(plain.err).toMatchObject({ code: status.UNIMPLEMENTED, message: "state store plain doesn't support transactions" });
  });

  it('a stale etag fails the transaction (INTERNAL, as daprd) and changes nothing', async () => {
    await call('SaveState', { storeName: 'store', states: [item('t1', 'v1')] });
    const r = await call('ExecuteStateTransaction', {
      storeName: 'store',
      operations: [
        { operationType: 'upsert', request: item('t2', 'v2') },
        { operationType: 'upsert', request: item('t1', 'v1b', { etag: { value: 'stale' } }) },
      ],
    });
    expect(r.err?.code).toBe(status.INTERNAL);
    expect(r.err?.message).toMatch(/^error while executing state transaction: /);
    expect((await call('GetState', { storeName: 'store', key: 't2' })).res.data.length).toBe(0);
  });
});

describe('QueryStateAlpha1', () => {
  it('parses the JSON text and answers results with unprefixed keys', async () => {
    await call('SaveState', { storeName: 'store', states: [item('a', '{"n":1}'), item('b', '{"n":2}')] });
    const r = await call('QueryStateAlpha1', { storeName: 'store', query: '{"filter":{"EQ":{"n":1}},"page":{"limit":2}}', metadata: { contentType: 'application/json' } });
    expect(r.err).toBeUndefined();
    expect(backing.lastQuery).toMatchObject({ filter: { EQ: { n: 1 } }, page: { limit: 2 }, keyPrefix: 'app||', metadata: { contentType: 'application/json' } });
    expect(r.res.results.map((x: { key: string; data: Buffer }) => [x.key, x.data.toString()])).toEqual([
      ['a', '{"n":1}'],
      ['b', '{"n":2}'],
    ]);
    expect(r.res.token).toBe('2');
  });

  it('bad JSON is ERR_STATE_QUERY (INTERNAL + DAPR_STATE_QUERY_FAILED); no query support is INTERNAL', async () => {
    const bad = await call('QueryStateAlpha1', { storeName: 'store', query: '{nope' });
    expect(bad.err).toMatchObject({ code: status.INTERNAL, detailTypes: ['google.rpc.ErrorInfo', 'google.rpc.ResourceInfo'] });
    expect(bad.err?.message).toMatch(/^failed query in state store store: failed to parse JSON query body: /);
    expect(bad.err?.details[0]).toMatchObject({ reason: 'DAPR_STATE_QUERY_FAILED' });
    const shape = await call('QueryStateAlpha1', { storeName: 'store', query: '{"filter":{"EQ":{}}}' });
    expect(shape.err?.code).toBe(status.INVALID_ARGUMENT);
    const plain = await call('QueryStateAlpha1', { storeName: 'plain', query: '{nope' });
    expect(plain.err).toMatchObject({ code: status.INTERNAL, message: "state store plain doesn't support query" });
  });
});
