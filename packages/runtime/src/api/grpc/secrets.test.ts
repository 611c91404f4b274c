/**
 * The secrets RPCs over a real grpc-js server and client: one secret, the bulk answer as
 * SecretResponse per key filtered by the secret scopes, and each error's gRPC code.
 */
import { status } from '@grpc/grpc-js';
import { SecretNotFoundError, type Secret, type SecretStore } from '../../components/secretstores/contract';
import { ComponentStore } from '../../components/store';
import { serveModules, type Served } from '../../../test/support/grpc';
import { handlers } from './secrets';

class FakeStore implements SecretStore {
  metadata?: Record<string, string>;
  async init(): Promise<void> {}
  async close(): Promise<void> {}
  features(): readonly string[] {
    return [];
  }
  async getSecret(name: string, metadata?: Record<string, string>): Promise<Secret> {
    this.metadata = metadata;
    if (name === 'db') return { user: 'u', pass: 'p' };
    throw new SecretNotFoundError(name);
  }
  async bulkGetSecret(): Promise<Record<string, Secret>> {
    return { db: { user: 'u', pass: 'p' }, hidden: { hidden: 'h' } };
  }
}

let served: Served;
let fake: FakeStore;

beforeAll(async () => {
  const store = new ComponentStore();
  fake = new FakeStore();
  store.add({ manifest: { name: 'vault', category: 'secretstores', type: 'secretstores.test', version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 1, scopes: [], file: 'v.yaml' }, instance: fake });
  const secretScopes = new Map([['vault', { storeName: 'vault', defaultAccess: 'allow' as const, allowedSecrets: [], deniedSecrets: ['hidden'] }]]);
  served = await serveModules(store, [handlers], { secretScopes });
});
afterAll(() => served.close());

it('GetSecret answers the secret map and passes the metadata', async () => {
  const r = await served.client.call('GetSecret', { storeName: 'vault', key: 'db', metadata: { version_id: '2' } });
  expect(r.res).toEqual({ data: { user: 'u', pass: 'p' } });
  expect(fake.metadata).toEqual({ version_id: '2' });
});

it('GetBulkSecret answers SecretResponse per key, leaving out what the scopes deny', async () => {
  const r = await served.client.call('GetBulkSecret', { storeName: 'vault' });
  expect(r.res).toEqual({ data: { db: { secrets: { user: 'u', pass: 'p' } } } });
});

it('errors: denied PERMISSION_DENIED, unknown store INVALID_ARGUMENT, failing store INTERNAL, none configured FAILED_PRECONDITION', async () => {
  expect((await served.client.call('GetSecret', { storeName: 'vault', key: 'hidden' })).err).toMatchObject({ code: status.PERMISSION_DENIED, details: [] });
  expect((await served.client.call('GetSecret', { storeName: 'nope', key: 'db' })).err).toMatchObject({ code: status.INVALID_ARGUMENT, details: [] });
  expect((await served.client.call('GetBulkSecret', { storeName: 'nope' })).err?.code).toBe(status.INVALID_ARGUMENT);
  const missing = await served.client.call('GetSecret', { storeName: 'vault', key: 'missing' });
  expect(missing.err?.code).toBe(status.INTERNAL);
  const empty = await serveModules(new ComponentStore(), [handlers]);
  try {
    expect((await empty.client.call('GetSecret', { storeName: 'vault', key: 'db' })).err?.code).toBe(status.FAILED_PRECONDITION);
    expect((await empty.client.call('GetBulkSecret', { storeName: 'vault' })).err?.code).toBe(status.FAILED_PRECONDITION);
  } finally {
    empty.close();
  }
});
