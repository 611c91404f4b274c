import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors/startup';
import { initComponents, initOrder, redact, resolveMetadata } from './init';
import { Registry } from './registry';
import { createLocalFileSecretStore } from './secretstores/local-file';
import { createRedisStateStore } from './state/redis';
import { ComponentStore } from './store';
import type { Category, Component, ComponentManifest, MetadataItem, MetadataMap } from './types';

const SECRET = 'hunter2-very-secret';

/** A component that records what init() received, and optionally fails quoting its password. */
class Probe implements Component {
  static seen = new Map<string, MetadataMap>();
  constructor(private readonly name = '') {}
  async init(metadata: MetadataMap): Promise<void> {
    Probe.seen.set(metadata.id ?? this.name, metadata);
    if (metadata.fail) throw new Error(`auth failed for password ${metadata.password}`);
  }
  async close(): Promise<void> {}
  features(): readonly string[] {
    return [];
  }
}

function manifest(name: string, category: Category, type: string, metadata: MetadataItem[], extra: Partial<ComponentManifest> = {}): ComponentManifest {
  return { name, category, type, version: 'v1', metadata, ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: `${name}.yaml`, ...extra };
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;
let warnings: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'minidapr-init-'));
  writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ redis: { password: SECRET, user: 'admin' }, flat: 'v', empty: '' }));
  Probe.seen.clear();
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fileStore = (name = 'local', extra: Partial<ComponentManifest> = {}) =>
  manifest(name, 'secretstores', 'secretstores.local.file', [{ name: 'secretsFile', value: 'secrets.json' }], extra);

async function run(manifests: ComponentManifest[]): Promise<{ store: ComponentStore; error?: ConfigError }> {
  const registry = new Registry().register('secretstores.local.file', createLocalFileSecretStore).register('state.probe', () => new Probe());
  const store = new ComponentStore();
  const logger = { ...quiet, warn: (m: object | string, msg?: string) => warnings.push(msg ?? String(m)) };
  try {
    await initComponents(manifests, { registry, store, ctx: { appId: 'app', cwd: dir }, logger, env: { MY_ENV: 'from-env' }, childLogger: () => quiet });
    return { store };
  } catch (err) {
    return { store, error: err as ConfigError };
  }
}

const ref = (name: string, key: string): MetadataItem['secretKeyRef'] => ({ name, key });

describe('initComponents with secretKeyRef', () => {
  it('initialises secret stores first and resolves secretKeyRef through auth.secretStore', async () => {
    const state = manifest('statestore', 'state', 'state.probe', [
      { name: 'id', value: 'statestore' },
      { name: 'password', secretKeyRef: ref('redis:password', 'redis:password') },
      { name: 'user', secretKeyRef: ref('redis:user', 'redis:user') },
      { name: 'plain', secretKeyRef: ref('flat', 'flat') },
      { name: 'env', envRef: 'MY_ENV' },
      { name: 'templ', value: '{appID}-x' },
    ], { secretStore: 'local' });
    const { store, error } = await run([state, fileStore('local', { scopes: [] })]);
    expect(error).toBeUndefined();
    expect(Probe.seen.get('statestore')).toEqual({ id: 'statestore', password: SECRET, user: 'admin', plain: 'v', env: 'from-env', templ: 'app-x' });
    expect(store.all().map((c) => c.manifest.name)).toEqual(['local', 'statestore']);
  });

  it('uses multi-valued secrets key by key (flat stores via the default key = name)', async () => {
    const multi = manifest('local', 'secretstores', 'secretstores.local.file', [
      { name: 'secretsFile', value: 'secrets.json' },
      { name: 'multiValued', value: 'true' },
    ]);
    const state = manifest('s', 'state', 'state.probe', [{ name: 'id', value: 's' }, { name: 'password', secretKeyRef: ref('redis', 'password') }], { secretStore: 'local' });
    expect((await run([multi, state])).error).toBeUndefined();
    expect(Probe.seen.get('s')?.password).toBe(SECRET);
  });

  it('names file, component, field and secret when auth.secretStore is absent (no default in self-hosted mode)', async () => {
    const state = manifest('statestore', 'state', 'state.probe', [{ name: 'password', secretKeyRef: ref('redis', 'password') }]);
    const { error } = await run([fileStore(), state]);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.issues).toEqual([
      'statestore.yaml: component "statestore": metadata "password" (spec.metadata[0].secretKeyRef, secret "redis", key "password"): ' +
        'the component has no auth.secretStore; in self-hosted mode there is no default secret store, so add "auth: {secretStore: <name of a secretstores.* component>}" to the component',
    ]);
  });

  it('names the store when it is not loaded, or failed to initialise', async () => {
    const state = manifest('statestore', 'state', 'state.probe', [{ name: 'password', secretKeyRef: ref('redis', 'password') }], { secretStore: 'vault' });
    const missing = await run([fileStore(), state]);
    expect(missing.error?.message).toContain('statestore.yaml: component "statestore": metadata "password"');
    expect(missing.error?.message).toContain('secret store "vault" (auth.secretStore) is not loaded; loaded secret stores: local');
    const k8s = await run([{ ...state, secretStore: 'kubernetes' }]);
    expect(k8s.error?.message).toContain('secret store "kubernetes" (auth.secretStore) is not loaded (daprd provides it only in Kubernetes mode; declare a secretstores.* component instead); loaded secret stores: none');
    const broken = manifest('vault', 'secretstores', 'secretstores.local.file', [{ name: 'secretsFile', value: 'nope.json' }]);
    const failed = await run([broken, state]);
    expect(failed.error?.issues).toHaveLength(2);
    expect(failed.error?.issues[0]).toMatch(/^vault\.yaml: component "vault" \(secretstores\.local\.file\/v1\): metadata field "secretsFile": cannot load secrets file .*nope\.json/);
    expect(failed.error?.issues[1]).toContain('secret store "vault" (auth.secretStore) failed to initialise (see its own error); loaded secret stores: none');
  });

  it('names a missing secret and a missing key (listing keys, never values)', async () => {
    const noSecret = manifest('a', 'state', 'state.probe', [{ name: 'password', secretKeyRef: ref('nope', 'password') }], { secretStore: 'local' });
    const noKey = manifest('b', 'state', 'state.probe', [{ name: 'password', secretKeyRef: ref('redis', 'pass') }], { secretStore: 'local' });
    const multi = manifest('local', 'secretstores', 'secretstores.local.file', [
      { name: 'secretsFile', value: 'secrets.json' },
      { name: 'multiValued', value: 'true' },
    ]);
    const { error } = await run([multi, noSecret, noKey]);
    expect(error?.issues).toEqual([
      'a.yaml: component "a": metadata "password" (spec.metadata[0].secretKeyRef, secret "nope", key "password"): cannot get secret "nope" from secret store "local": secret nope not found',
      'b.yaml: component "b": metadata "password" (spec.metadata[0].secretKeyRef, secret "redis", key "pass"): secret "redis" in secret store "local" has no key "pass"; its keys: password, user',
    ]);
    expect(error?.message).not.toContain(SECRET);
  });

  it('scrubs secret values from a component init error, and honours ignoreErrors', async () => {
    const state = manifest('s', 'state', 'state.probe', [
      { name: 'fail', value: 'yes' },
      { name: 'password', secretKeyRef: ref('redis:password', 'redis:password') },
    ], { secretStore: 'local' });
    const { error } = await run([fileStore(), state]);
    expect(error?.message).toBe('s.yaml: component "s" (state.probe/v1): auth failed for password ***');
    const ignored = await run([fileStore(), { ...state, ignoreErrors: true }]);
    expect(ignored.error).toBeUndefined();
    expect(warnings.join('\n')).toContain('auth failed for password ***');
    expect(warnings.join('\n')).not.toContain(SECRET);
  });

  it('scrubs inline values of secret-named fields too (issue 12: a secret printed in a start-up error)', async () => {
    const state = manifest('s', 'state', 'state.probe', [
      { name: 'fail', value: 'yes' },
      { name: 'password', value: 'inline-Passw0rd' },
    ]);
    const { error } = await run([state]);
    expect(error?.message).toBe('s.yaml: component "s" (state.probe/v1): auth failed for password ***');
  });

  it('never echoes a metadata value in a field error (issue 12 probe: redisDB holding a token)', async () => {
    const registry = new Registry().register('state.redis', createRedisStateStore);
    const state = manifest('s', 'state', 'state.redis', [
      { name: 'redisHost', value: '127.0.0.1:6379' },
      { name: 'redisDB', value: 'sk_live_51HxSECRETTOKEN' },
    ]);
    const err = await initComponents([state], { registry, store: new ComponentStore(), ctx: { appId: 'app', cwd: dir }, logger: quiet, env: {}, childLogger: () => quiet }).catch((e: unknown) => e);
    expect((err as ConfigError).message).toBe('s.yaml: component "s" (state.redis/v1): component state.redis: metadata field "redisDB" must be a number');
  });

  it('lets an empty secret value through with a warning that shows no value', async () => {
    const state = manifest('s', 'state', 'state.probe', [{ name: 'id', value: 's' }, { name: 'password', secretKeyRef: ref('empty', 'empty') }], { secretStore: 'local' });
    expect((await run([fileStore(), state])).error).toBeUndefined();
    expect(Probe.seen.get('s')?.password).toBe('');
    expect(warnings.join('\n')).toContain('metadata "password" (secretKeyRef empty/empty) resolved to an empty value');
  });
});

describe('initOrder', () => {
  it('puts secret stores first, a store that needs a later store after it, the rest in order', () => {
    const a = manifest('a', 'state', 'state.probe', []);
    const s1 = manifest('s1', 'secretstores', 'secretstores.local.file', [{ name: 'x', secretKeyRef: ref('k', 'k') }], { secretStore: 's2' });
    const s2 = manifest('s2', 'secretstores', 'secretstores.local.file', []);
    const b = manifest('b', 'pubsub', 'pubsub.in-memory', []);
    expect(initOrder([a, s1, b, s2]).map((m) => m.name)).toEqual(['s2', 's1', 'a', 'b']);
    const c1 = { ...s1, secretStore: 's2' };
    const c2 = { ...s2, secretStore: 's1', metadata: s1.metadata };
    expect(initOrder([c1, c2]).map((m) => m.name)).toEqual(['s1', 's2']);
  });
});

describe('resolveMetadata / redact', () => {
  it('resolves without a secret source when nothing needs one', async () => {
    const m = manifest('x', 'state', 'state.probe', [{ name: 'a', value: '{namespace}' }, { name: 'b', envRef: 'NOPE' }]);
    expect(await resolveMetadata(m, { appId: 'app', namespace: 'ns', cwd: '.' }, {})).toEqual({ metadata: { a: 'ns.app', b: '' }, secretValues: [] });
  });

  it('replaces secret values of 4+ characters only', () => {
    expect(redact('pw abcd and abc', ['abcd', 'abc'])).toBe('pw *** and abc');
  });
});
