/**
 * @module components/builtin
 * Every built-in component, one line each, registered explicitly (no import side effects).
 * Components with a driver (better-sqlite3, ioredis, pg) are loaded only when a manifest uses
 * them: the three drivers cost ~26 MB of RSS and ~100 ms of start-up (BENCHMARKS.md).
 */
import { Registry } from './registry';
import type { Component, ComponentFactory } from './types';
import { createInMemoryStateStore } from './state/in-memory';
import { createInMemoryPubSub } from './pubsub/in-memory';

/** A factory that requires its module on first use. */
function lazy<T extends Component>(load: () => ComponentFactory<T>): ComponentFactory<T> {
  let factory: ComponentFactory<T> | undefined;
  return (ctx) => (factory ??= load())(ctx);
}

/* eslint-disable @typescript-eslint/no-require-imports -- deferred loading is the point here */
export function registerBuiltins(registry: Registry = new Registry()): Registry {
  registry.register('state.in-memory', createInMemoryStateStore);
  registry.register('state.redis', lazy(() => (require('./state/redis') as typeof import('./state/redis')).createRedisStateStore));
  registry.register(['state.sqlite', 'state.sqlite3'], lazy(() => (require('./state/sqlite') as typeof import('./state/sqlite')).createSqliteStateStore));
  registry.register(['state.postgresql', 'state.postgres'], lazy(() => (require('./state/postgresql') as typeof import('./state/postgresql')).createPostgresStateStore));
  registry.register(['bindings.postgresql', 'bindings.postgres'], lazy(() => (require('./bindings/postgresql') as typeof import('./bindings/postgresql')).createPostgresBinding));
  registry.register('bindings.sqlite', lazy(() => (require('./bindings/sqlite') as typeof import('./bindings/sqlite')).createSqliteBinding));
  registry.register('bindings.redis', lazy(() => (require('./bindings/redis') as typeof import('./bindings/redis')).createRedisBinding));
  registry.register('bindings.cron', lazy(() => (require('./bindings/cron') as typeof import('./bindings/cron')).createCronBinding));
  registry.register('bindings.http', lazy(() => (require('./bindings/http') as typeof import('./bindings/http')).createHttpBinding));
  registry.register('bindings.localstorage', lazy(() => (require('./bindings/localstorage') as typeof import('./bindings/localstorage')).createLocalStorageBinding));
  registry.register('pubsub.in-memory', createInMemoryPubSub);
  registry.register('pubsub.sqlite', lazy(() => (require('./pubsub/sqlite') as typeof import('./pubsub/sqlite')).createSqlitePubSub));
  registry.register('pubsub.redis', lazy(() => (require('./pubsub/redis') as typeof import('./pubsub/redis')).createRedisPubSub));
  registry.register('secretstores.local.file', lazy(() => (require('./secretstores/local-file') as typeof import('./secretstores/local-file')).createLocalFileSecretStore));
  registry.register('secretstores.local.env', lazy(() => (require('./secretstores/local-env') as typeof import('./secretstores/local-env')).createLocalEnvSecretStore));
  return registry;
}
/* eslint-enable @typescript-eslint/no-require-imports */
