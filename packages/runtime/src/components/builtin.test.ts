import { registerBuiltins } from './builtin';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

describe('registerBuiltins', () => {
  it('registers every built-in type', () => {
    expect(registerBuiltins().knownTypes()).toEqual([
      'bindings.cron/v1',
      'bindings.http/v1',
      'bindings.localstorage/v1',
      'bindings.postgres/v1',
      'bindings.postgresql/v1',
      'bindings.redis/v1',
      'bindings.sqlite/v1',
      'pubsub.in-memory/v1',
      'pubsub.redis/v1',
      'pubsub.sqlite/v1',
      'secretstores.local.env/v1',
      'secretstores.local.file/v1',
      'state.in-memory/v1',
      'state.postgres/v1',
      'state.postgresql/v1',
      'state.redis/v1',
      'state.sqlite/v1',
      'state.sqlite3/v1',
    ]);
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
