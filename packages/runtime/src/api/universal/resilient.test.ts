/**
 * Outbound resiliency of the universal operations (daprd's ComponentOutboundPolicy): exact attempt
 * counts against scripted components, what is retried (only the items still to do, never ETag
 * errors) and the errors after an open breaker. Policies use 1ms retries.
 */
import { ETagMismatchError } from '../../components/errors';
import type { PubSub, PublishRequest } from '../../components/pubsub/contract';
import type { SecretStore } from '../../components/secretstores/contract';
import { InMemoryStateStore } from '../../components/state/in-memory';
import type { GetRequest, SetRequest } from '../../components/state/contract';
import { ComponentStore } from '../../components/store';
import type { Category, Component } from '../../components/types';
import { Resiliency } from '../../resiliency/resiliency';
import type { UniversalContext } from './context';
import { bulkPublish, publishTarget } from './pubsub';
import { getSecret } from './secrets';
import { getState, saveState, stateTarget } from './state';
import { deleteBulkState, getBulkState } from './state-bulk';

function resiliency(targets: Record<string, unknown>): Resiliency {
  const doc = {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Resiliency',
    metadata: { name: 'test' },
    spec: {
      policies: {
        retries: { three: { policy: 'constant', duration: '1ms', maxRetries: 3 } },
        circuitBreakers: { cb: { trip: 'consecutiveFailures > 1', timeout: '60s' } },
      },
      targets: { components: targets },
    },
  };
  return Resiliency.fromResources([{ kind: 'Resiliency', name: 'test', file: 'resiliency.yaml', doc }], { appId: 'app' });
}

function context(components: Record<string, [Category, Component]>, r?: Resiliency): UniversalContext {
  const store = new ComponentStore();
  for (const [name, [category, instance]] of Object.entries(components)) {
    store.add({ manifest: { name, category, type: `${category}.test`, version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 1, scopes: [], file: `${name}.yaml` }, instance });
  }
  return { store, appId: 'app', debug: () => {}, resiliency: r };
}

/** An in-memory store whose get/set fail while `failures` says so. */
class Flaky extends InMemoryStateStore {
  gets = 0;
  sets: string[] = [];
  failGets = 0;
  failSetKey?: string;
  failSetTimes = 0;
  override async get(req: GetRequest) {
    this.gets++;
    if (this.failGets-- > 0) throw new Error('store down');
    return super.get(req);
  }
  override async set(req: SetRequest) {
    this.sets.push(req.key);
    if (req.key === this.failSetKey && this.failSetTimes-- > 0) throw new Error('write failed');
    return super.set(req);
  }
}

const outbound = { statestore: { outbound: { retry: 'three' } } };

describe('state', () => {
  it('retries a failing get and answers once it recovers (1 + N attempts)', async () => {
    const s = new Flaky();
    s.failGets = 2;
    const t = stateTarget(context({ statestore: ['state', s] }, resiliency(outbound)), 'statestore');
    expect(await getState(t, { key: 'k', metadata: {} })).toBeUndefined();
    expect(s.gets).toBe(3);
  });

  it('gives up after maxRetries with ERR_STATE_GET naming the last error', async () => {
    const s = new Flaky();
    s.failGets = 100;
    const t = stateTarget(context({ statestore: ['state', s] }, resiliency(outbound)), 'statestore');
    await expect(getState(t, { key: 'k', metadata: {} })).rejects.toMatchObject({ code: 'ERR_STATE_GET', message: 'fail to get k from state store statestore: store down' });
    expect(s.gets).toBe(4);
  });

  it('calls the store once without a policy', async () => {
    const s = new Flaky();
    s.failGets = 100;
    const t = stateTarget(context({ statestore: ['state', s] }, Resiliency.none()), 'statestore');
    await expect(getState(t, { key: 'k', metadata: {} })).rejects.toMatchObject({ code: 'ERR_STATE_GET' });
    expect(s.gets).toBe(1);
  });

  it('resumes a save at the first item not saved yet', async () => {
    const s = new Flaky();
    s.failSetKey = 'app||b';
    s.failSetTimes = 1;
    const t = stateTarget(context({ statestore: ['state', s] }, resiliency(outbound)), 'statestore');
    const item = (key: string) => ({ key, value: Buffer.from('1'), metadata: {} });
    await saveState(t, { states: [item('a'), item('b'), item('c')] });
    expect(s.sets).toEqual(['app||a', 'app||b', 'app||b', 'app||c']);
  });

  it('never retries an ETag mismatch', async () => {
    const s = new Flaky();
    const t = stateTarget(context({ statestore: ['state', s] }, resiliency(outbound)), 'statestore');
    await expect(saveState(t, { states: [{ key: 'a', value: Buffer.from('1'), etag: '99', metadata: {} }] })).rejects.toMatchObject({ code: 'ERR_STATE_SAVE', status: 409 });
    expect(s.sets).toHaveLength(1);
  });

  it('retries a bulk get only when every key failed', async () => {
    const s = new Flaky();
    s.failGets = 2;
    const t = stateTarget(context({ statestore: ['state', s] }, resiliency(outbound)), 'statestore');
    expect(await getBulkState(t, { keys: ['x', 'y'], metadata: {} })).toEqual([{ key: 'x' }, { key: 'y' }]);
    expect(s.gets).toBe(4);
    s.failGets = 1;
    s.gets = 0;
    expect(await getBulkState(t, { keys: ['x', 'y'], metadata: {}, parallelism: 1 })).toEqual([{ key: 'x', error: 'store down' }, { key: 'y' }]);
    expect(s.gets).toBe(2);
  });

  it('retries only the bulk deletes that failed with something else than an ETag error', async () => {
    const deletes: string[] = [];
    const s = new InMemoryStateStore();
    let down = 1;
    s.delete = async (req) => {
      deletes.push(req.key);
      if (req.key === 'app||etag') throw new ETagMismatchError();
      if (req.key === 'app||flaky' && down-- > 0) throw new Error('down');
    };
    const t = stateTarget(context({ statestore: ['state', s] }, resiliency(outbound)), 'statestore');
    await expect(deleteBulkState(t, { states: ['ok', 'etag', 'flaky'].map((key) => ({ key, metadata: {} })) })).rejects.toMatchObject({ code: 'ERR_STATE_DELETE', status: 409 });
    expect(deletes).toEqual(['app||ok', 'app||etag', 'app||flaky', 'app||flaky']);
  });

  it('fails fast with "circuit breaker is open" once the breaker trips', async () => {
    const s = new Flaky();
    s.failGets = 100;
    const t = stateTarget(context({ statestore: ['state', s] }, resiliency({ statestore: { outbound: { circuitBreaker: 'cb' } } })), 'statestore');
    for (let i = 0; i < 2; i++) await expect(getState(t, { key: 'k', metadata: {} })).rejects.toMatchObject({ message: expect.stringContaining('store down') });
    await expect(getState(t, { key: 'k', metadata: {} })).rejects.toMatchObject({ code: 'ERR_STATE_GET', message: 'fail to get k from state store statestore: circuit breaker is open' });
    expect(s.gets).toBe(2);
  });
});

it('retries secret reads per the secret store policy', async () => {
  let calls = 0;
  const secrets = { init: async () => {}, getSecret: async () => (++calls < 3 ? Promise.reject(new Error('vault sealed')) : { k: 'v' }), bulkGetSecret: async () => ({}) };
  const u = context({ vault: ['secretstores', secrets as unknown as SecretStore] }, resiliency({ vault: { outbound: { retry: 'three' } } }));
  expect(await getSecret(u, { storeName: 'vault', key: 'k', metadata: {} })).toEqual({ k: 'v' });
  expect(calls).toBe(3);
});

it('republishes only the bulk entries that failed', async () => {
  const published: string[] = [];
  let failB = 2;
  const pubsub = {
    init: async () => {},
    features: () => [],
    subscribe: async () => async () => {},
    publish: async (req: PublishRequest) => {
      const id = (JSON.parse(req.data.toString()) as { data: { id: string } }).data.id;
      published.push(id);
      if (id === 'b' && failB-- > 0) throw new Error('broker busy');
    },
  };
  const u = context({ bus: ['pubsub', pubsub as unknown as PubSub] }, resiliency({ bus: { outbound: { retry: 'three' } } }));
  const t = publishTarget(u, 'bus', 'orders', {});
  const entry = (id: string) => ({ entryId: id, event: Buffer.from(JSON.stringify({ id })), contentType: 'application/json', metadata: {} });
  expect(await bulkPublish(t, { entries: [entry('a'), entry('b')] })).toEqual({ failedEntries: [] });
  expect(published).toEqual(['a', 'b', 'b', 'b']);
});
