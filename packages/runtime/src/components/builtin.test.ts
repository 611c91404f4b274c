import { registerBuiltins } from './builtin';
import type { ComponentDescriptor } from './descriptor';
import { DESCRIPTORS } from './descriptors';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

describe('registerBuiltins', () => {
  it('registers every descriptor under its type and aliases, at its version', () => {
    const expected = DESCRIPTORS.flatMap((d) => [d.type, ...d.aliases].map((t) => `${t}/${d.version}`)).sort();
    expect(registerBuiltins().knownTypes()).toEqual(expected);
    expect(expected).toContain('state.sqlite3/v1'); // an alias
    expect(expected.length).toBeGreaterThan(DESCRIPTORS.length);
  });

  it('registers a new descriptor with nothing else to change', () => {
    const instance = { init: async () => {}, close: async () => {}, features: () => ['X'] };
    const extra: ComponentDescriptor = {
      type: 'state.example',
      aliases: ['state.sample'],
      version: 'v1',
      category: 'state',
      summary: 'An example.',
      storage: 'memory',
      features: ['X'],
      metadata: [],
      load: () => () => instance,
    };
    const registry = registerBuiltins(undefined, [...DESCRIPTORS, extra]);
    expect(registry.create('state.sample', '', ctx)).toBe(instance);
    expect(registry.knownTypes().length).toBe(registerBuiltins().knownTypes().length + 2);
  });

  it('loads a driver-backed component only when it is created', () => {
    jest.isolateModules(() => {
      let loaded = false;
      jest.doMock('./state/redis', () => {
        loaded = true;
        return { createRedisStateStore: () => ({ init: async () => {}, close: async () => {}, features: () => ['ETAG'] }) };
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('./builtin') as typeof import('./builtin');
      const registry = fresh.registerBuiltins();
      expect(loaded).toBe(false);
      expect(registry.create('state.redis', 'v1', ctx).features()).toEqual(['ETAG']);
      expect(loaded).toBe(true);
    });
  });
});
