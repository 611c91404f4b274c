import { ConfigError } from '../errors/startup';
import { initComponents } from './init';
import { Registry } from './registry';
import { parseBindingSettings, parsePubsubSettings, parseSettings, parseStateSettings } from './settings';
import { InMemoryStateStore } from './state/in-memory';
import { ComponentStore } from './store';
import type { Category, ComponentManifest, MetadataItem } from './types';

function manifest(category: Category, metadata: MetadataItem[] = [], name = 'c'): ComponentManifest {
  return { name, category, type: `${category}.in-memory`, version: 'v1', metadata, ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: `${name}.yaml` };
}

describe('parseStateSettings', () => {
  it.each([
    [{}, { kind: 'appid' }],
    [{ keyPrefix: '' }, { kind: 'appid' }], // daprd: an empty keyPrefix is the default
    [{ KEYPREFIX: 'Name' }, { kind: 'name' }],
    [{ keyPrefix: 'namespace' }, { kind: 'namespace' }],
    [{ keyPrefix: 'NONE' }, { kind: 'none' }],
    [{ keyPrefix: 'Shared.Prefix' }, { kind: 'custom', value: 'Shared.Prefix' }],
  ])('%j → %j', (metadata, keyPrefix) => {
    expect(parseStateSettings(metadata)).toEqual({ keyPrefix });
  });

  it("rejects a custom prefix containing '||', as daprd does", () => {
    expect(() => parseStateSettings({ keyPrefix: 'a||b' })).toThrow("input key/keyPrefix 'a||b' can't contain '||'");
  });
});

describe('parsePubsubSettings', () => {
  it('reads the scoping lists once, as daprd reads them', () => {
    const s = parsePubsubSettings({ publishingScopes: 'a=t1, t2;b=;c;a=t4', SubscriptionScopes: 'a=t3', allowedTopics: 't1, ,t2', protectedTopics: 't9' });
    expect([...s.publishingScopes]).toEqual([['a', ['t1', 't2', 't4']], ['b', ['']], ['c', ['']]]);
    expect([...s.subscriptionScopes]).toEqual([['a', ['t3']]]);
    expect(s.allowedTopics).toEqual(['t1', 't2']);
    expect(s.protectedTopics).toEqual(['t9']);
  });

  it('accepts every scoping value daprd accepts (nothing is an error)', () => {
    expect(() => parseSettings(manifest('pubsub'), { publishingScopes: ';;=;==,', allowedTopics: ',,,' })).not.toThrow();
  });
});

describe('parseBindingSettings', () => {
  it('trims and lower-cases direction, trims route', () => {
    expect(parseBindingSettings({ Direction: ' Input, OUTPUT ', route: ' /hooks ' })).toEqual({ direction: ['input', 'output'], route: '/hooks' });
    expect(parseBindingSettings({ route: '  ' })).toEqual({});
  });
});

describe('parseSettings', () => {
  it('sets only the entry of the component category', () => {
    expect(parseSettings(manifest('state'), {})).toEqual({ state: { keyPrefix: { kind: 'appid' } } });
    expect(parseSettings(manifest('secretstores'), { keyPrefix: 'a||b' })).toEqual({});
  });

  it('names the file and the component in a ConfigError', () => {
    const run = () => parseSettings(manifest('state', [], 'orders'), { keyPrefix: 'x||y' });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/^orders\.yaml: component "orders" \(state\.in-memory\): metadata "keyPrefix"/);
  });
});

describe('at init', () => {
  const registry = new Registry().register('state.in-memory', () => new InMemoryStateStore());
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const init = (m: ComponentManifest[], store = new ComponentStore()) =>
    initComponents(m, { registry, store, ctx: { appId: 'app', cwd: '.' }, logger: quiet, env: { PREFIX: 'from-env' }, childLogger: () => quiet }).then(() => store);

  it('keeps the settings, parsed from the resolved metadata, on the store entry', async () => {
    const store = await init([manifest('state', [{ name: 'keyPrefix', envRef: 'PREFIX' }])]);
    const found = store.lookup('state', 'c');
    expect(found.ok && found.component.settings).toEqual({ state: { keyPrefix: { kind: 'custom', value: 'from-env' } } });
  });

  it('fails start-up for a keyPrefix daprd rejects', async () => {
    await expect(init([manifest('state', [{ name: 'keyPrefix', value: 'p||q' }], 'bad')])).rejects.toThrow(/bad\.yaml: component "bad".*can't contain '\|\|'/);
  });

  it('parses entries added without init from the manifest literals', () => {
    const store = new ComponentStore();
    store.add({ manifest: manifest('state', [{ name: 'keyPrefix', value: 'none' }]), instance: new InMemoryStateStore() });
    const found = store.lookup('state', 'c');
    expect(found.ok && found.component.settings.state).toEqual({ keyPrefix: { kind: 'none' } });
  });
});
