/**
 * The universal operations called directly (as the gRPC server will): typed requests in, typed
 * results or Dapr errors out, with the settings parsed at init deciding prefixes and scoping.
 */
import { ComponentStore } from '../../components/store';
import { InMemoryStateStore } from '../../components/state/in-memory';
import type { PubSub, PublishRequest } from '../../components/pubsub/contract';
import type { Category, Component, MetadataItem } from '../../components/types';
import type { UniversalContext } from './context';
import { publish, publishTarget } from './pubsub';
import { deleteState, getState, saveState, stateTarget, transaction } from './state';
import { getBulkState } from './state-bulk';

function add(store: ComponentStore, category: Category, name: string, instance: Component, metadata: MetadataItem[] = []): void {
  store.add({ manifest: { name, category, type: `${category}.test`, version: 'v1', metadata, ignoreErrors: false, initTimeoutMs: 1, scopes: [], file: `${name}.yaml` }, instance });
}

function context(store: ComponentStore): UniversalContext {
  return { store, appId: 'app', namespace: 'ns', debug: () => {} };
}

const code = (p: Promise<unknown> | (() => unknown)) =>
  (typeof p === 'function' ? Promise.resolve().then(p) : p).then(
    () => 'resolved',
    (err: { code?: string }) => err.code,
  );

describe('state', () => {
  it('prefixes keys per the keyPrefix setting and reads them back', async () => {
    const store = new ComponentStore();
    const backing = new InMemoryStateStore();
    add(store, 'state', 'ns-store', backing, [{ name: 'keyPrefix', value: 'namespace' }]);
    const t = stateTarget(context(store), 'ns-store');
    await saveState(t, { states: [{ key: 'k', value: Buffer.from('"v"'), metadata: {} }] });
    expect(await backing.get({ key: 'ns.app||k' })).toMatchObject({ data: Buffer.from('"v"') });
    expect((await getState(t, { key: 'k', metadata: {} }))?.data.toString()).toBe('"v"');
    expect(await getBulkState(t, { keys: ['k', 'missing'], metadata: {} })).toEqual([{ key: 'k', data: Buffer.from('"v"'), etag: expect.any(String) }, { key: 'missing' }]);
    await deleteState(t, { key: 'k', metadata: {} });
    expect(await getState(t, { key: 'k', metadata: {} })).toBeUndefined();
  });

  it('answers with the Dapr errors', async () => {
    const store = new ComponentStore();
    expect(await code(() => stateTarget(context(store), 'x'))).toBe('ERR_STATE_STORE_NOT_CONFIGURED');
    add(store, 'state', 's', new InMemoryStateStore());
    const u = context(store);
    expect(await code(() => stateTarget(u, 'x'))).toBe('ERR_STATE_STORE_NOT_FOUND');
    const t = stateTarget(u, 's');
    const illegal = await saveState(t, { states: [{ key: 'a||b', value: Buffer.from('1'), metadata: {} }] }).catch((e: { code: string; message: string }) => e);
    expect(illegal).toMatchObject({ code: 'ERR_MALFORMED_REQUEST', message: "input key/keyPrefix 'a||b' can't contain '||'" });
    expect(await code(saveState(t, { states: [{ key: '', value: Buffer.from('1'), metadata: {} }] }))).toBe('ERR_MALFORMED_REQUEST');
    expect(await code(saveState(t, { states: [{ key: 'k', value: Buffer.from('1'), metadata: {}, options: { concurrency: 'sometimes' } }] }))).toBe('ERR_STATE_SAVE');
    await saveState(t, { states: [{ key: 'k', value: Buffer.from('1'), metadata: {} }] });
    const err = await saveState(t, { states: [{ key: 'k', value: Buffer.from('2'), etag: '999', metadata: {} }] }).catch((e: { code: string; status: number }) => e);
    expect(err).toMatchObject({ code: 'ERR_STATE_SAVE', status: 409 });
    expect(await code(transaction(t, { operations: [{ operation: 'merge', request: { key: 'k', metadata: {} } }], metadata: {} }))).toBe('ERR_NOT_SUPPORTED_STATE_OPERATION');
  });
});

describe('pubsub', () => {
  class Recorder implements PubSub {
    published: PublishRequest[] = [];
    async init(): Promise<void> {}
    async close(): Promise<void> {}
    features(): readonly string[] {
      return [];
    }
    async publish(req: PublishRequest): Promise<void> {
      this.published.push(req);
    }
    async subscribe(): Promise<() => Promise<void>> {
      return async () => {};
    }
  }

  it('enforces the scoping parsed at init and wraps the data in a CloudEvent', async () => {
    const store = new ComponentStore();
    const ps = new Recorder();
    add(store, 'pubsub', 'ps', ps, [{ name: 'publishingScopes', value: 'app=orders;other=' }, { name: 'protectedTopics', value: 'secret' }]);
    const u = context(store);
    expect(await code(() => publishTarget(u, 'ps', 'secret', {}))).toBe('ERR_PUBSUB_FORBIDDEN');
    expect(await code(() => publishTarget(u, '', 'orders', {}))).toBe('ERR_PUBSUB_EMPTY');
    expect(await code(() => publishTarget(u, 'ps', '', {}))).toBe('ERR_TOPIC_NAME_EMPTY');
    await publish(publishTarget(u, 'ps', 'orders', {}), { data: Buffer.from('{"a":1}'), contentType: 'application/json' });
    expect(ps.published).toHaveLength(1);
    const event = JSON.parse((ps.published[0] as PublishRequest).data.toString());
    expect(event).toMatchObject({ topic: 'orders', pubsubname: 'ps', source: 'app', data: { a: 1 } });
    expect(event.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });
});
