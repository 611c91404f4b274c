/**
 * Scenario (issue 15): the state API over gRPC against a spawned sidecar with an embedded SQLite
 * store (transactions, query) and an in-memory one, first with a plain grpc-js client built from the
 * protos (success paths, then every error code and detail), then with the official @dapr/dapr
 * client in gRPC mode (etags, transactions, bulk get, query). A second sidecar without any state
 * store answers FAILED_PRECONDITION.
 */
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { CommunicationProtocolEnum, DaprClient, StateConcurrencyEnum, StateConsistencyEnum } from '@dapr/dapr';
import { componentYaml, startSidecar, stopAll, tempDir, type Sidecar, type TempDir } from '@minidapr/testkit';
import { daprGrpcClient, type DaprGrpcClient } from '../support/grpc';

jest.setTimeout(60000);

let data: TempDir;
let sidecar: Sidecar;
let bare: Sidecar;
let grpc: DaprGrpcClient;
let sdk: DaprClient;

beforeAll(async () => {
  data = tempDir('minidapr-grpc-state-');
  [sidecar, bare] = await Promise.all([
    startSidecar({
      appId: 'stateapp',
      resources: {
        'statestore.yaml': componentYaml('statestore', 'state.sqlite', { connectionString: join(data.path, 'state.db') }),
        'memstore.yaml': componentYaml('memstore', 'state.in-memory'),
      },
    }),
    startSidecar({ appId: 'bare' }),
  ]);
  grpc = daprGrpcClient(`127.0.0.1:${sidecar.grpcPort}`);
  sdk = new DaprClient({ daprHost: '127.0.0.1', daprPort: String(sidecar.grpcPort), communicationProtocol: CommunicationProtocolEnum.GRPC, logger: { level: 0 } as never });
  await sdk.start();
});

afterAll(async () => {
  grpc?.close();
  await sdk?.stop();
  await Promise.all([sidecar?.stop(), bare?.stop()]);
  await stopAll();
  data?.remove();
});

const item = (key: string, value: string, extra: Record<string, unknown> = {}) => ({ key, value: Buffer.from(value), ...extra });
const get = async (key: string, storeName = 'statestore') => (await grpc.call('GetState', { storeName, key })).res as { data: Buffer; etag: string; metadata: Record<string, string> };

describe('plain grpc-js client', () => {
  it('saves and reads bytes with an etag; a missing key is an empty answer, not an error', async () => {
    const saved = await grpc.call('SaveState', { storeName: 'statestore', states: [item('order-1', '{"id":1}'), item('blob', '\u0000\u0001binary')] });
    expect(saved.err).toBeUndefined();
    const got = await get('order-1');
    expect(got.data.toString()).toBe('{"id":1}');
    expect(got.etag).not.toBe('');
    expect((await get('blob')).data.toString()).toBe('\u0000\u0001binary');
    const missing = await grpc.call('GetState', { storeName: 'statestore', key: 'never-saved', consistency: 2 });
    expect(missing).toMatchObject({ res: { data: Buffer.alloc(0), etag: '', metadata: {} } });
    expect(missing.err).toBeUndefined();
  });

  it('the same data is visible over HTTP (one store, one key prefix)', async () => {
    const r = await fetch(`${sidecar.url}/v1.0/state/statestore/order-1`);
    expect(await r.json()).toEqual({ id: 1 });
  });

  it('enforces etags: first-write with a stale etag is ABORTED with no details; the right one passes', async () => {
    await grpc.call('SaveState', { storeName: 'statestore', states: [item('cas', '1')] });
    const { etag } = await get('cas');
    const ok = await grpc.call('SaveState', { storeName: 'statestore', states: [item('cas', '2', { etag: { value: etag }, options: { concurrency: 1, consistency: 2 } })] });
    expect(ok.err).toBeUndefined();
    const stale = await grpc.call('SaveState', { storeName: 'statestore', states: [item('cas', '3', { etag: { value: etag }, options: { concurrency: 1 } })] });
    expect(stale.err).toMatchObject({ code: status.ABORTED, details: [] });
    expect(stale.err?.message).toMatch(/^failed saving state in state store statestore: /);
    const staleDelete = await grpc.call('DeleteState', { storeName: 'statestore', key: 'cas', etag: { value: etag } });
    expect(staleDelete.err).toMatchObject({ code: status.ABORTED, details: [] });
    expect((await get('cas')).data.toString()).toBe('2');
    const fresh = (await get('cas')).etag;
    expect((await grpc.call('DeleteState', { storeName: 'statestore', key: 'cas', etag: { value: fresh } })).err).toBeUndefined();
    expect((await get('cas')).data.length).toBe(0);
  });

  it('an etag the store never issued fails the save (ABORTED for SQLite, INVALID_ARGUMENT for stores that parse etags)', async () => {
    await grpc.call('SaveState', { storeName: 'statestore', states: [item('weird', '1')] });
    const r = await grpc.call('SaveState', { storeName: 'statestore', states: [item('weird', '2', { etag: { value: 'not-an-etag' } })] });
    expect([status.ABORTED, status.INVALID_ARGUMENT]).toContain(r.err?.code);
  });

  it('honours ttlInSeconds metadata', async () => {
    await grpc.call('SaveState', { storeName: 'statestore', states: [item('short-lived', 'x', { metadata: { ttlInSeconds: '1' } })] });
    expect((await get('short-lived')).metadata).toHaveProperty('ttlExpireTime');
  });

  it('GetBulkState answers one item per key in request order, data and etag per found key', async () => {
    await grpc.call('SaveState', { storeName: 'statestore', states: [item('b1', '"one"'), item('b2', '"two"')] });
    const r = await grpc.call('GetBulkState', { storeName: 'statestore', keys: ['b2', 'nothing', 'b1'], parallelism: 2 });
    expect(r.err).toBeUndefined();
    const items = r.res.items as Array<{ key: string; data: Buffer; etag: string; error: string }>;
    expect(items.map((i) => [i.key, i.data.toString(), i.error])).toEqual([
      ['b2', '"two"', ''],
      ['nothing', '', ''],
      ['b1', '"one"', ''],
    ]);
    expect(items[0]?.etag).not.toBe('');
    expect(items[1]?.etag).toBe('');
  });

  it('DeleteBulkState deletes all; a stale etag on one item is ABORTED while the others go', async () => {
    await grpc.call('SaveState', { storeName: 'statestore', states: [item('d1', '1'), item('d2', '2'), item('d3', '3')] });
    const e1 = (await get('d1')).etag;
    expect((await grpc.call('DeleteBulkState', { storeName: 'statestore', states: [{ key: 'd1', etag: { value: e1 } }, { key: 'd2' }] })).err).toBeUndefined();
    expect([(await get('d1')).data.length, (await get('d2')).data.length]).toEqual([0, 0]);
    await grpc.call('SaveState', { storeName: 'statestore', states: [item('d1', '1')] });
    const r = await grpc.call('DeleteBulkState', { storeName: 'statestore', states: [{ key: 'd1', etag: { value: e1 } }, { key: 'd3' }] });
    expect(r.err).toMatchObject({ code: status.ABORTED, details: [] });
    expect(r.err?.message).toMatch(/^failed deleting state in state store statestore: /);
    expect([(await get('d1')).data.toString(), (await get('d3')).data.length]).toEqual(['1', 0]);
  });

  it('ExecuteStateTransaction applies upserts and deletes atomically', async () => {
    await grpc.call('SaveState', { storeName: 'statestore', states: [item('tx-old', '"old"')] });
    const ok = await grpc.call('ExecuteStateTransaction', {
      storeName: 'statestore',
      operations: [
        { operationType: 'upsert', request: item('tx-new', '{"n":1}') },
        { operationType: 'delete', request: { key: 'tx-old' } },
      ],
      metadata: {},
    });
    expect(ok.err).toBeUndefined();
    expect((await get('tx-new')).data.toString()).toBe('{"n":1}');
    expect((await get('tx-old')).data.length).toBe(0);
    const stale = await grpc.call('ExecuteStateTransaction', {
      storeName: 'statestore',
      operations: [
        { operationType: 'upsert', request: item('tx-a', '1') },
        { operationType: 'upsert', request: item('tx-new', '2', { etag: { value: 'stale' } }) },
      ],
    });
    expect(stale.err?.code).toBe(status.INTERNAL);
    expect(stale.err?.message).toMatch(/^error while executing state transaction: /);
    expect((await get('tx-a')).data.length).toBe(0);
  });

  it('QueryStateAlpha1 takes the query as JSON text and answers unprefixed keys', async () => {
    await grpc.call('SaveState', {
      storeName: 'statestore',
      states: [item('q1', '{"city":"Oslo","n":1}'), item('q2', '{"city":"Rome","n":2}'), item('q3', '{"city":"Oslo","n":3}')],
    });
    const r = await grpc.call('QueryStateAlpha1', { storeName: 'statestore', query: JSON.stringify({ filter: { EQ: { city: 'Oslo' } }, sort: [{ key: 'n', order: 'DESC' }] }) });
    expect(r.err).toBeUndefined();
    const results = r.res.results as Array<{ key: string; data: Buffer; etag: string }>;
    expect(results.map((x) => [x.key, JSON.parse(x.data.toString()).n])).toEqual([
      ['q3', 3],
      ['q1', 1],
    ]);
    expect(results[0]?.etag).not.toBe('');
    const none = await grpc.call('QueryStateAlpha1', { storeName: 'statestore', query: '{"filter":{"EQ":{"city":"Lima"}}}' });
    expect(none.res).toEqual({ results: [], token: '', metadata: {} });
  });

  describe('errors', () => {
    it('unknown store: INVALID_ARGUMENT with ErrorInfo DAPR_STATE_NOT_FOUND (every RPC)', async () => {
      const requests: Array<[string, Record<string, unknown>]> = [
        ['GetState', { storeName: 'nope', key: 'k' }],
        ['GetBulkState', { storeName: 'nope', keys: ['k'] }],
        ['SaveState', { storeName: 'nope', states: [item('k', '1')] }],
        ['DeleteState', { storeName: 'nope', key: 'k' }],
        ['DeleteBulkState', { storeName: 'nope', states: [{ key: 'k' }] }],
        ['ExecuteStateTransaction', { storeName: 'nope', operations: [] }],
        ['QueryStateAlpha1', { storeName: 'nope', query: '{}' }],
      ];
      for (const [rpc, req] of requests) {
        const r = await grpc.call(rpc, req);
        expect([rpc, r.err?.code, r.err?.message, r.err?.detailTypes]).toEqual([rpc, status.INVALID_ARGUMENT, 'state store nope is not found', ['google.rpc.ErrorInfo']]);
        expect(r.err?.details[0]).toEqual({ reason: 'DAPR_STATE_NOT_FOUND', domain: 'dapr.io', metadata: { appID: 'stateapp' } });
      }
    });

    it('no state store at all: FAILED_PRECONDITION with DAPR_STATE_NOT_CONFIGURED', async () => {
      const c = daprGrpcClient(`127.0.0.1:${bare.grpcPort}`);
      try {
        const r = await c.call('GetState', { storeName: 'statestore', key: 'k' });
        expect(r.err).toMatchObject({ code: status.FAILED_PRECONDITION, message: 'state store statestore is not configured' });
        expect(r.err?.details[0]).toMatchObject({ reason: 'DAPR_STATE_NOT_CONFIGURED', metadata: { appID: 'bare' } });
      } finally {
        c.close();
      }
    });

    it("a key with '||': INVALID_ARGUMENT with ErrorInfo, ResourceInfo and BadRequest", async () => {
      const r = await grpc.call('SaveState', { storeName: 'statestore', states: [item('a||b', '1')] });
      expect(r.err).toMatchObject({ code: status.INVALID_ARGUMENT, message: "input key/keyPrefix 'a||b' can't contain '||'" });
      expect(r.err?.detailTypes).toEqual(['google.rpc.ErrorInfo', 'google.rpc.ResourceInfo', 'google.rpc.BadRequest']);
      expect(r.err?.details[0]).toMatchObject({ reason: 'DAPR_STATE_ILLEGAL_KEY', domain: 'dapr.io' });
      expect(r.err?.details[1]).toMatchObject({ resourceType: 'state', resourceName: 'statestore' });
      expect(r.err?.details[2]).toEqual({ fieldViolations: [{ field: 'a||b', description: "input key/keyPrefix 'a||b' can't contain '||'" }] });
      for (const [rpc, req] of [
        ['GetState', { storeName: 'statestore', key: 'x||y' }],
        ['GetBulkState', { storeName: 'statestore', keys: ['ok', 'x||y'] }],
        ['DeleteState', { storeName: 'statestore', key: 'x||y' }],
        ['DeleteBulkState', { storeName: 'statestore', states: [{ key: 'x||y' }] }],
        ['ExecuteStateTransaction', { storeName: 'statestore', operations: [{ operationType: 'delete', request: { key: 'x||y' } }] }],
      ] as Array<[string, Record<string, unknown>]>) {
        expect([rpc, (await grpc.call(rpc, req)).err?.code]).toEqual([rpc, status.INVALID_ARGUMENT]);
      }
    });

    it('an empty key is INVALID_ARGUMENT', async () => {
      expect((await grpc.call('SaveState', { storeName: 'statestore', states: [item('', '1')] })).err).toMatchObject({ code: status.INVALID_ARGUMENT, details: [] });
    });

    it('transactions: an unknown operation is UNIMPLEMENTED without details', async () => {
      const op = await grpc.call('ExecuteStateTransaction', { storeName: 'statestore', operations: [{ operationType: 'merge', request: { key: 'k' } }] });
      expect(op.err).toMatchObject({ code: status.UNIMPLEMENTED, message: 'operation type merge not supported', details: [] });
    });

    it('query: not JSON is INTERNAL with DAPR_STATE_QUERY_FAILED; a store without query is INTERNAL', async () => {
      const bad = await grpc.call('QueryStateAlpha1', { storeName: 'statestore', query: 'filter=1' });
      expect(bad.err?.code).toBe(status.INTERNAL);
      expect(bad.err?.message).toMatch(/^failed query in state store statestore: failed to parse JSON query body: /);
      expect(bad.err?.details[0]).toMatchObject({ reason: 'DAPR_STATE_QUERY_FAILED', metadata: { appID: 'stateapp' } });
      expect(bad.err?.details[1]).toMatchObject({ resourceType: 'state', resourceName: 'statestore' });
      const shape = await grpc.call('QueryStateAlpha1', { storeName: 'statestore', query: '{"filter":{"EQ":{"a":1,"b":2}}}' });
      expect(shape.err?.code).toBe(status.INVALID_ARGUMENT);
      const unsupported = await grpc.call('QueryStateAlpha1', { storeName: 'memstore', query: '{}' });
      expect(unsupported.err).toMatchObject({ code: status.INTERNAL, message: "state store memstore doesn't support query" });
    });
  });
});

describe('official SDK client in gRPC mode', () => {
  it('saves, reads and deletes', async () => {
    await sdk.state.save('statestore', [
      { key: 'sdk-1', value: { name: 'Alice' } },
      { key: 'sdk-2', value: 'plain' },
    ]);
    expect(await sdk.state.get('statestore', 'sdk-1')).toEqual({ name: 'Alice' });
    expect(await sdk.state.get('statestore', 'sdk-2')).toBe('plain');
    await sdk.state.delete('statestore', 'sdk-2');
    expect(await sdk.state.get('statestore', 'sdk-2')).toBe('');
  });

  it('uses etags from getBulk for optimistic concurrency; a stale one is rejected', async () => {
    await sdk.state.save('statestore', [{ key: 'sdk-cas', value: { v: 1 } }]);
    const [first] = await sdk.state.getBulk('statestore', ['sdk-cas']);
    expect(first?.etag).toBeTruthy();
    await sdk.state.save('statestore', [{ key: 'sdk-cas', value: { v: 2 }, etag: first?.etag, options: { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE, consistency: StateConsistencyEnum.CONSISTENCY_STRONG } }]);
    await expect(sdk.state.save('statestore', [{ key: 'sdk-cas', value: { v: 3 }, etag: first?.etag, options: { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE, consistency: StateConsistencyEnum.CONSISTENCY_STRONG } }])).rejects.toThrow(/failed saving state/);
    expect(await sdk.state.get('statestore', 'sdk-cas')).toEqual({ v: 2 });
    await expect(sdk.state.delete('statestore', 'sdk-cas', { etag: first?.etag } as never)).rejects.toThrow(/failed deleting state/);
  });

  it('runs a transaction', async () => {
    await sdk.state.save('statestore', [{ key: 'sdk-tx-old', value: 'x' }]);
    await sdk.state.transaction('statestore', [
      { operation: 'upsert', request: { key: 'sdk-tx-new', value: '{"ok":true}' } },
      { operation: 'delete', request: { key: 'sdk-tx-old' } },
    ]);
    expect(await sdk.state.get('statestore', 'sdk-tx-new')).toEqual({ ok: true });
    expect(await sdk.state.get('statestore', 'sdk-tx-old')).toBe('');
  });

  it('queries', async () => {
    await sdk.state.save('statestore', [
      { key: 'sdk-q1', value: { kind: 'sdkq', n: 1 } },
      { key: 'sdk-q2', value: { kind: 'sdkq', n: 2 } },
    ]);
    const res = await sdk.state.query('statestore', { filter: { EQ: { kind: 'sdkq' } }, sort: [{ key: 'n', order: 'ASC' }], page: { limit: 10 } } as never);
    expect(res.results.map((r) => r.key)).toEqual(['sdk-q1', 'sdk-q2']);
  });
});
