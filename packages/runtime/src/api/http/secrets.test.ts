import request from 'supertest';
import { ComponentStore } from '../../components/store';
import { SecretNotFoundError, type Secret, type SecretStore } from '../../components/secretstores/contract';
import type { SecretScope } from '../../components/secretstores/scopes';
import type { ComponentManifest } from '../../components/types';
import { createLogger } from '../../logger';
import { parseOptions } from '../../options';
import { createApp } from '../../server/app';
import type { AppDeps } from '../../server/deps';

const SECRETS: Record<string, Secret> = {
  redisPassword: { redisPassword: 'pw' },
  db: { user: 'u', pass: 'p' },
  'a/b c': { 'a/b c': 'slashed' },
};

class FakeStore implements SecretStore {
  calls: Array<{ name?: string; metadata?: Record<string, string> }> = [];
  failWith?: Error;
  async init(): Promise<void> {}
  async close(): Promise<void> {}
  features(): readonly string[] {
    return [];
  }
  async getSecret(name: string, metadata?: Record<string, string>): Promise<Secret> {
    this.calls.push({ name, metadata });
    if (this.failWith) throw this.failWith;
    if (name === 'nodata') return undefined as unknown as Secret; // a store with nothing to say
    const s = SECRETS[name];
    if (!s) throw new SecretNotFoundError(name);
    return s;
  }
  async bulkGetSecret(metadata?: Record<string, string>): Promise<Record<string, Secret>> {
    this.calls.push({ metadata });
    if (this.failWith) throw this.failWith;
    return SECRETS;
  }
}

function manifest(name: string): ComponentManifest {
  return { name, category: 'secretstores', type: 'secretstores.fake', version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: 'test.yaml' };
}

function build(stores: Record<string, SecretStore>, scopes?: SecretScope[]) {
  const parsed = parseOptions(['--app-id', 'nodeapp'], {}, '.');
  if (!parsed.options) throw new Error(parsed.errors.join('; '));
  const store = new ComponentStore();
  for (const [name, instance] of Object.entries(stores)) store.add({ manifest: manifest(name), instance });
  const deps: AppDeps = {
    options: parsed.options,
    logger: createLogger({ appId: 'nodeapp', level: 'info', json: false, version: 't', destination: { write: () => {} } }),
    store,
    health: { outboundReady: true, ready: true },
    metadata: { extended: new Map(), enabledFeatures: [], subscriptions: [], httpEndpoints: [] },
    directMessaging: { invoke: async () => {}, deliverFromPeer: async () => {}, call: async () => ({ status: 200, headers: {}, body: Buffer.alloc(0) }), close() {} },
    apiLogging: false,
    runtimeVersion: 't',
    secretScopes: scopes ? new Map(scopes.map((s) => [s.storeName, s])) : undefined,
    requestShutdown: () => {},
  };
  return createApp(deps);
}

describe('GET /v1.0/secrets/{store}/{key}', () => {
  it('answers the secret map and passes metadata.* to the store', async () => {
    const fake = new FakeStore();
    const app = build({ local: fake });
    const r = await request(app).get('/v1.0/secrets/local/db?metadata.version_id=2&metadata.version_id=3&other=x').expect(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toEqual({ user: 'u', pass: 'p' });
    expect(fake.calls).toEqual([{ name: 'db', metadata: { version_id: '2' } }]);
    expect((await request(app).get('/v1.0/secrets/local/a%2Fb+c').expect(200)).body).toEqual({ 'a/b c': 'slashed' });
  });

  it('answers 204 when the store returns no data', async () => {
    const r = await request(build({ local: new FakeStore() })).get('/v1.0/secrets/local/nodata');
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
  });

  it('answers 500 ERR_SECRET_STORES_NOT_CONFIGURED without any secret store', async () => {
    const r = await request(build({})).get('/v1.0/secrets/local/db').expect(500);
    expect(r.body).toEqual({ errorCode: 'ERR_SECRET_STORES_NOT_CONFIGURED', message: 'secret store is not configured' });
    expect((await request(build({})).get('/v1.0/secrets/local/bulk').expect(500)).body.errorCode).toBe('ERR_SECRET_STORES_NOT_CONFIGURED');
  });

  it('answers 401 ERR_SECRET_STORE_NOT_FOUND for an unknown store', async () => {
    const r = await request(build({ local: new FakeStore() })).get('/v1.0/secrets/vault/db').expect(401);
    expect(r.body).toEqual({ errorCode: 'ERR_SECRET_STORE_NOT_FOUND', message: 'failed finding secret store with key vault' });
  });

  it('answers 500 ERR_SECRET_GET for a missing secret and a failing store', async () => {
    const fake = new FakeStore();
    const app = build({ local: fake });
    const r = await request(app).get('/v1.0/secrets/local/nope').expect(500);
    expect(r.body).toEqual({ errorCode: 'ERR_SECRET_GET', message: 'failed getting secret with key nope from secret store local: secret nope not found' });
    fake.failWith = new Error('vault sealed');
    expect((await request(app).get('/v1.0/secrets/local/db').expect(500)).body.message).toBe(
      'failed getting secret with key db from secret store local: vault sealed',
    );
  });

  it('answers 403 ERR_PERMISSION_DENIED when the scopes deny the key (before asking the store)', async () => {
    const fake = new FakeStore();
    const app = build({ local: fake }, [{ storeName: 'local', defaultAccess: 'allow', allowedSecrets: [], deniedSecrets: ['db'] }]);
    const r = await request(app).get('/v1.0/secrets/local/db').expect(403);
    expect(r.body).toEqual({ errorCode: 'ERR_PERMISSION_DENIED', message: 'access denied by policy to get "db" from "local"' });
    expect(fake.calls).toEqual([]);
    await request(app).get('/v1.0/secrets/local/redisPassword').expect(200);
  });
});

describe('GET /v1.0/secrets/{store}/bulk', () => {
  it('answers every secret by name, passing metadata.*', async () => {
    const fake = new FakeStore();
    const r = await request(build({ local: fake })).get('/v1.0/secrets/local/bulk?metadata.a=b').expect(200);
    expect(r.body).toEqual(SECRETS);
    expect(fake.calls).toEqual([{ metadata: { a: 'b' } }]);
  });

  it('drops the secrets the scopes deny, per store', async () => {
    const app = build({ local: new FakeStore(), other: new FakeStore() }, [
      { storeName: 'local', defaultAccess: 'deny', allowedSecrets: ['db'], deniedSecrets: [] },
    ]);
    expect((await request(app).get('/v1.0/secrets/local/bulk').expect(200)).body).toEqual({ db: { user: 'u', pass: 'p' } });
    expect(Object.keys((await request(app).get('/v1.0/secrets/other/bulk').expect(200)).body)).toHaveLength(3);
    const none = build({ local: new FakeStore() }, [{ storeName: 'local', defaultAccess: 'deny', allowedSecrets: [], deniedSecrets: [] }]);
    expect((await request(none).get('/v1.0/secrets/local/bulk').expect(200)).body).toEqual({});
  });

  it('answers 500 ERR_SECRET_GET when the store fails', async () => {
    const fake = new FakeStore();
    fake.failWith = new Error('boom');
    const r = await request(build({ local: fake })).get('/v1.0/secrets/local/bulk').expect(500);
    expect(r.body).toEqual({ errorCode: 'ERR_SECRET_GET', message: 'failed getting secrets from secret store local: boom' });
  });

  it('is GET only: other verbs fall back to service invocation', async () => {
    const r = await request(build({ local: new FakeStore() })).post('/v1.0/secrets/local/db').expect(404);
    expect(r.body.errorCode).toBe('ERR_DIRECT_INVOKE');
  });
});
