/**
 * Scenario (issue 15, gRPC API conformance: metadata and state): GetMetadata and SetMetadata, and
 * every state RPC of dapr.proto.runtime.v1.Dapr on a real sidecar, called with a plain grpc-js
 * client built from the protos, on the success path and on the contract's error rows (status
 * code, message, google.rpc.Status details).
 */
import { status } from '@grpc/grpc-js';
import { waitFor } from '@minidapr/testkit';
import { bareClient, client, details, failure, unary, useConformanceSidecars, withToken } from '../support/grpc-conformance';

jest.setTimeout(60000);

useConformanceSidecars();

describe('metadata', () => {
  it('GetMetadata answers the app id, version, components and the app subscriptions', async () => {
    const { res } = await unary(client, 'GetMetadata', {});
    expect(res.id).toBe('grpc-conf');
    expect(res.runtimeVersion).toMatch(/\d+\.\d+\.\d+/);
    const names = (res.registeredComponents as Array<{ name: string; type: string }>).map((c) => `${c.name}:${c.type}`).sort();
    expect(names).toEqual(['files:bindings.localstorage', 'localsecrets:secretstores.local.file', 'pubsub:pubsub.in-memory', 'statestore:state.sqlite']);
    await waitFor('the app subscriptions in GetMetadata', async () => {
      const { res: again } = await unary(client, 'GetMetadata', {});
      return (again.subscriptions as Array<{ topic: string }>).some((s) => s.topic === 'orders');
    }, { timeoutMs: 10000 });
  });

  it('SetMetadata adds an extended attribute that GetMetadata reports', async () => {
    await unary(client, 'SetMetadata', { key: 'color', value: 'blue' });
    const { res } = await unary(client, 'GetMetadata', {});
    expect(res.extendedMetadata).toMatchObject({ color: 'blue' });
  });
});

describe('state', () => {
  const s = (key: string, value: string, extra: Record<string, unknown> = {}) => ({ key, value: Buffer.from(value), ...extra });

  it('SaveState, GetState with its etag, and optimistic concurrency (ABORTED, no details)', async () => {
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('k1', '"v1"')] });
    const first = (await unary(client, 'GetState', { storeName: 'statestore', key: 'k1' })).res;
    expect(Buffer.from(first.data).toString()).toBe('"v1"');
    expect(first.etag).not.toBe('');
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('k1', '"v2"', { etag: { value: first.etag }, options: { concurrency: 1 } })] });
    const stale = await failure(unary(client, 'SaveState', { storeName: 'statestore', states: [s('k1', '"v3"', { etag: { value: first.etag }, options: { concurrency: 1 } })] }));
    expect(stale.code).toBe(status.ABORTED);
    expect(stale.metadata.get('grpc-status-details-bin')).toEqual([]);
    const second = (await unary(client, 'GetState', { storeName: 'statestore', key: 'k1' })).res;
    expect(Buffer.from(second.data).toString()).toBe('"v2"');
    expect(second.etag).not.toBe(first.etag);
  });

  it('GetState of a missing key answers empty data and no etag', async () => {
    const { res } = await unary(client, 'GetState', { storeName: 'statestore', key: 'never-saved' });
    expect(Buffer.from(res.data).length).toBe(0);
    expect(res.etag).toBe('');
  });

  it('GetBulkState answers one item per key, a missing one without data', async () => {
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('b1', '1'), s('b2', '2')] });
    const { res } = await unary(client, 'GetBulkState', { storeName: 'statestore', keys: ['b1', 'b2', 'b-missing'], parallelism: 2 });
    const items = new Map((res.items as Array<{ key: string; data: Buffer; etag: string; error: string }>).map((i) => [i.key, i]));
    expect(Buffer.from(items.get('b1')!.data).toString()).toBe('1');
    expect(Buffer.from(items.get('b2')!.data).toString()).toBe('2');
    expect(items.get('b1')!.etag).not.toBe('');
    expect(Buffer.from(items.get('b-missing')!.data).length).toBe(0);
    expect(items.get('b-missing')!.error).toBe('');
  });

  it('DeleteState honours the etag (ABORTED on a stale one) and DeleteBulkState removes several keys', async () => {
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('d1', '1'), s('d2', '2'), s('d3', '3')] });
    const { etag } = (await unary(client, 'GetState', { storeName: 'statestore', key: 'd1' })).res;
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('d1', '11')] });
    const stale = await failure(unary(client, 'DeleteState', { storeName: 'statestore', key: 'd1', etag: { value: etag }, options: { concurrency: 1 } }));
    expect(stale.code).toBe(status.ABORTED);
    await unary(client, 'DeleteState', { storeName: 'statestore', key: 'd1' });
    await unary(client, 'DeleteBulkState', { storeName: 'statestore', states: [{ key: 'd2' }, { key: 'd3' }] });
    for (const key of ['d1', 'd2', 'd3']) {
      expect(Buffer.from((await unary(client, 'GetState', { storeName: 'statestore', key })).res.data).length).toBe(0);
    }
  });

  it('ExecuteStateTransaction applies upserts and deletes together; an unknown operation is UNIMPLEMENTED', async () => {
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('t-old', '0')] });
    await unary(client, 'ExecuteStateTransaction', {
      storeName: 'statestore',
      operations: [
        { operationType: 'upsert', request: s('t1', '"one"') },
        { operationType: 'upsert', request: s('t2', '"two"') },
        { operationType: 'delete', request: { key: 't-old' } },
      ],
    });
    const { res } = await unary(client, 'GetBulkState', { storeName: 'statestore', keys: ['t1', 't2', 't-old'] });
    const data = Object.fromEntries((res.items as Array<{ key: string; data: Buffer }>).map((i) => [i.key, Buffer.from(i.data).toString()]));
    expect(data).toEqual({ t1: '"one"', t2: '"two"', 't-old': '' });
    const bad = await failure(unary(client, 'ExecuteStateTransaction', { storeName: 'statestore', operations: [{ operationType: 'merge', request: s('t3', '3') }] }));
    expect(bad.code).toBe(status.UNIMPLEMENTED);
  });

  it('QueryStateAlpha1 filters JSON values', async () => {
    await unary(client, 'SaveState', {
      storeName: 'statestore',
      states: [s('q1', JSON.stringify({ city: 'Seattle', n: 1 })), s('q2', JSON.stringify({ city: 'Austin', n: 2 }))],
    });
    const { res } = await unary(client, 'QueryStateAlpha1', { storeName: 'statestore', query: JSON.stringify({ filter: { EQ: { city: 'Seattle' } } }) });
    const results = res.results as Array<{ key: string; data: Buffer }>;
    expect(results.map((r) => r.key)).toEqual(['q1']);
    expect(JSON.parse(Buffer.from(results[0]!.data).toString())).toEqual({ city: 'Seattle', n: 1 });
  });

  it('an unknown store is INVALID_ARGUMENT with ErrorInfo DAPR_STATE_NOT_FOUND and no ResourceInfo', async () => {
    const err = await failure(unary(client, 'GetState', { storeName: 'nostore', key: 'k' }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const d = details(err);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'DAPR_STATE_NOT_FOUND', domain: 'dapr.io' });
    expect((d[0]!.metadata as Record<string, string>).appID).toBe('grpc-conf');
  });

  it('an illegal key is INVALID_ARGUMENT with ErrorInfo, ResourceInfo and a BadRequest field violation', async () => {
    const err = await failure(unary(client, 'SaveState', { storeName: 'statestore', states: [s('a||b', '1')] }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const d = details(err);
    expect(d.map((x) => x.type)).toEqual(['google.rpc.ErrorInfo', 'google.rpc.ResourceInfo', 'google.rpc.BadRequest']);
    expect(d[0]).toMatchObject({ reason: 'DAPR_STATE_ILLEGAL_KEY', domain: 'dapr.io' });
    expect(d[1]).toMatchObject({ resourceType: 'state', resourceName: 'statestore', owner: '' });
    expect((d[2]!.fieldViolations as unknown[]).length).toBe(1);
  });

  it('no state store at all is FAILED_PRECONDITION with ErrorInfo DAPR_STATE_NOT_CONFIGURED', async () => {
    const err = await failure(unary(bareClient, 'GetState', { storeName: 'statestore', key: 'k' }, withToken()));
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(details(err)[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'DAPR_STATE_NOT_CONFIGURED', domain: 'dapr.io' });
  });
});
