/**
 * @module components/descriptors
 * Every built-in component type, one line each, in the order the docs list them. The registry
 * (builtin.ts), the catalogue (catalog.ts), docs/components.md and the tests are derived from this
 * list: adding a component type is its folder (with a descriptor.ts) plus one line here.
 * Importing this module loads no driver (each descriptor requires its index module on first use).
 */
import type { ComponentDescriptor } from './descriptor';
import { descriptor as stateInMemory } from './state/in-memory/descriptor';
import { descriptor as stateSqlite } from './state/sqlite/descriptor';
import { descriptor as stateRedis } from './state/redis/descriptor';
import { descriptor as statePostgresql } from './state/postgresql/descriptor';
import { descriptor as pubsubInMemory } from './pubsub/in-memory/descriptor';
import { descriptor as pubsubSqlite } from './pubsub/sqlite/descriptor';
import { descriptor as pubsubRedis } from './pubsub/redis/descriptor';
import { descriptor as bindingsCron } from './bindings/cron/descriptor';
import { descriptor as bindingsHttp } from './bindings/http/descriptor';
import { descriptor as bindingsLocalstorage } from './bindings/localstorage/descriptor';
import { descriptor as bindingsSqlite } from './bindings/sqlite/descriptor';
import { descriptor as bindingsPostgresql } from './bindings/postgresql/descriptor';
import { descriptor as bindingsRedis } from './bindings/redis/descriptor';
import { descriptor as secretstoresLocalFile } from './secretstores/local-file/descriptor';
import { descriptor as secretstoresLocalEnv } from './secretstores/local-env/descriptor';

export const DESCRIPTORS: readonly ComponentDescriptor[] = [
  stateInMemory,
  stateSqlite,
  stateRedis,
  statePostgresql,
  pubsubInMemory,
  pubsubSqlite,
  pubsubRedis,
  bindingsCron,
  bindingsHttp,
  bindingsLocalstorage,
  bindingsSqlite,
  bindingsPostgresql,
  bindingsRedis,
  secretstoresLocalFile,
  secretstoresLocalEnv,
];
