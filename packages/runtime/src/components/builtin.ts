/**
 * @module components/builtin
 * Every built-in component, one line each, registered explicitly (no import side effects).
 */
import { Registry } from './registry';
import { createInMemoryStateStore } from './state/in-memory';
import { createRedisStateStore } from './state/redis';
import { createSqliteStateStore } from './state/sqlite';
import { createPostgresStateStore } from './state/postgresql';
import { createInMemoryPubSub } from './pubsub/in-memory';
import { createSqlitePubSub } from './pubsub/sqlite';

export function registerBuiltins(registry: Registry = new Registry()): Registry {
  registry.register('state.in-memory', createInMemoryStateStore);
  registry.register('state.redis', createRedisStateStore);
  registry.register(['state.sqlite', 'state.sqlite3'], createSqliteStateStore);
  registry.register(['state.postgresql', 'state.postgres'], createPostgresStateStore);
  registry.register('pubsub.in-memory', createInMemoryPubSub);
  registry.register('pubsub.sqlite', createSqlitePubSub);
  return registry;
}
