/**
 * @module components/catalog
 * The catalogue of built-in component types: names (with aliases), category, what each needs,
 * static capabilities and operations, and the metadata fields each declares. It imports only the
 * components' metadata modules (never their driver-backed index modules) and is what
 * docs/components.md is checked against (catalog.test.ts), as docs/errors.md is against codes.ts.
 */
import type { FieldSpec } from './metadata';
import type { Category } from './types';
import { CRON_METADATA } from './bindings/cron/metadata';
import { HTTP_BINDING_METADATA } from './bindings/http/metadata';
import { LOCALSTORAGE_METADATA } from './bindings/localstorage/metadata';
import { POSTGRES_BINDING_METADATA } from './bindings/postgresql/metadata';
import { REDIS_BINDING_METADATA } from './bindings/redis/metadata';
import { SQLITE_BINDING_METADATA } from './bindings/sqlite/metadata';
import { IN_MEMORY_PUBSUB_METADATA } from './pubsub/in-memory/metadata';
import { REDIS_PUBSUB_METADATA } from './pubsub/redis/metadata';
import { SQLITE_PUBSUB_METADATA } from './pubsub/sqlite/metadata';
import { LOCAL_ENV_METADATA } from './secretstores/local-env/metadata';
import { LOCAL_FILE_METADATA } from './secretstores/local-file/metadata';
import { IN_MEMORY_STATE_METADATA } from './state/in-memory/metadata';
import { POSTGRES_STATE_METADATA } from './state/postgresql/metadata';
import { REDIS_STATE_METADATA } from './state/redis/metadata';
import { SQLITE_STATE_METADATA } from './state/sqlite/metadata';

/**
 * Where a component keeps its data: `memory` (the sidecar process; lost on exit), `sqlite` and
 * `files` (embedded: a file on this machine, durable, no server), `redis` / `postgresql` (a server
 * you run), `none` (keeps nothing: a timer, outgoing HTTP calls, the environment).
 */
export type Storage = 'memory' | 'sqlite' | 'files' | 'redis' | 'postgresql' | 'none';

export type BindingDirection = 'input' | 'output';

export interface CatalogEntry {
  /** The main type name, as written in `spec.type`. */
  type: string;
  /** Other type names registered for the same factory. */
  aliases: readonly string[];
  category: Category;
  /** One line: what it is. */
  summary: string;
  storage: Storage;
  /** What a fresh instance's features() reports (Dapr's capability names). */
  features: readonly string[];
  /** Capabilities that depend on the metadata, in words (shown in the docs, not checked). */
  featureNote?: string;
  /** Bindings: the sides the component has (daprd's `direction` picks among them). */
  directions?: readonly BindingDirection[];
  /** Output bindings: the operations it accepts. */
  operations?: readonly string[];
  metadata: readonly FieldSpec[];
}

/** The server a component needs, if any. */
export function serverNeeded(entry: CatalogEntry): 'Redis' | 'PostgreSQL' | undefined {
  if (entry.storage === 'redis') return 'Redis';
  if (entry.storage === 'postgresql') return 'PostgreSQL';
  return undefined;
}

/** Embedded: keeps its data in a local file, with no server to run. */
export function isEmbedded(entry: CatalogEntry): boolean {
  return entry.storage === 'sqlite' || entry.storage === 'files';
}

/** Durable: what it keeps survives a sidecar restart (undefined when it keeps nothing, as secret stores, which only read). */
export function isDurable(entry: CatalogEntry): boolean | undefined {
  if (entry.storage === 'none' || entry.category === 'secretstores') return undefined;
  return entry.storage !== 'memory';
}

/** How the docs name each storage kind (the summary table's "keeps data in" column). */
export const STORAGE_LABELS: Readonly<Record<Storage, string>> = {
  memory: 'sidecar memory',
  sqlite: 'SQLite file (embedded)',
  files: 'local files (embedded)',
  redis: 'Redis server',
  postgresql: 'PostgreSQL server',
  none: 'nothing',
};

const STATE_FEATURES_ALL = ['ETAG', 'TRANSACTIONAL', 'TTL'] as const;
const SQL_OPERATIONS = ['exec', 'query', 'close'] as const;

export const CATALOG: readonly CatalogEntry[] = [
  {
    type: 'state.in-memory',
    aliases: [],
    category: 'state',
    summary: 'State in the sidecar process: ETags, first-write, TTL and transactions; gone when the sidecar stops.',
    storage: 'memory',
    features: [...STATE_FEATURES_ALL],
    metadata: IN_MEMORY_STATE_METADATA,
  },
  {
    type: 'state.sqlite',
    aliases: ['state.sqlite3'],
    category: 'state',
    summary: 'State in one SQLite file that several sidecars may share; durable, no server (the `minidapr init` default).',
    storage: 'sqlite',
    features: [...STATE_FEATURES_ALL, 'QUERY_API'],
    metadata: SQLITE_STATE_METADATA,
  },
  {
    type: 'state.redis',
    aliases: [],
    category: 'state',
    summary: "State in Redis, in daprd's key format (a Redis shared with real Dapr reads the same keys).",
    storage: 'redis',
    features: [...STATE_FEATURES_ALL],
    metadata: REDIS_STATE_METADATA,
  },
  {
    type: 'state.postgresql',
    aliases: ['state.postgres'],
    category: 'state',
    summary: 'State in one PostgreSQL table (jsonb values), with the alpha query API.',
    storage: 'postgresql',
    features: ['ETAG', 'TRANSACTIONAL', 'QUERY_API', 'TTL'],
    metadata: POSTGRES_STATE_METADATA,
  },
  {
    type: 'pubsub.in-memory',
    aliases: [],
    category: 'pubsub',
    summary: "A broker inside one sidecar process: only that sidecar's subscribers receive, nothing is kept.",
    storage: 'memory',
    features: [],
    metadata: IN_MEMORY_PUBSUB_METADATA,
  },
  {
    type: 'pubsub.sqlite',
    aliases: [],
    category: 'pubsub',
    summary: 'A durable broker in one SQLite file shared by the sidecars of one machine: consumer groups, at-least-once (the `minidapr init` default).',
    storage: 'sqlite',
    features: ['MESSAGE_TTL'],
    metadata: SQLITE_PUBSUB_METADATA,
  },
  {
    type: 'pubsub.redis',
    aliases: [],
    category: 'pubsub',
    summary: "Dapr's Redis Streams broker, wire-compatible with daprd's: consumer groups, at-least-once, redelivery of unacknowledged messages.",
    storage: 'redis',
    features: [],
    metadata: REDIS_PUBSUB_METADATA,
  },
  {
    type: 'bindings.cron',
    aliases: [],
    category: 'bindings',
    summary: 'Input binding that posts an empty event to the app on a schedule.',
    storage: 'none',
    features: [],
    directions: ['input'],
    metadata: CRON_METADATA,
  },
  {
    type: 'bindings.http',
    aliases: [],
    category: 'bindings',
    summary: 'Output binding that sends one HTTP request per call (the operation is the method).',
    storage: 'none',
    features: [],
    directions: ['output'],
    operations: ['create', 'get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'],
    metadata: HTTP_BINDING_METADATA,
  },
  {
    type: 'bindings.localstorage',
    aliases: [],
    category: 'bindings',
    summary: 'Output binding that writes, reads, lists and deletes files under one folder.',
    storage: 'files',
    features: [],
    directions: ['output'],
    operations: ['create', 'get', 'list', 'delete'],
    metadata: LOCALSTORAGE_METADATA,
  },
  {
    type: 'bindings.sqlite',
    aliases: [],
    category: 'bindings',
    summary: 'Output binding that runs SQL on a SQLite file, with the operations and answers of bindings.postgresql.',
    storage: 'sqlite',
    features: [],
    directions: ['output'],
    operations: [...SQL_OPERATIONS],
    metadata: SQLITE_BINDING_METADATA,
  },
  {
    type: 'bindings.postgresql',
    aliases: ['bindings.postgres'],
    category: 'bindings',
    summary: 'Output binding that runs SQL on PostgreSQL with bound parameters; rows come back as arrays.',
    storage: 'postgresql',
    features: [],
    directions: ['output'],
    operations: [...SQL_OPERATIONS],
    metadata: POSTGRES_BINDING_METADATA,
  },
  {
    type: 'bindings.redis',
    aliases: [],
    category: 'bindings',
    summary: 'Output binding for plain Redis string keys: set (with TTL), get, delete, increment.',
    storage: 'redis',
    features: [],
    directions: ['output'],
    operations: ['create', 'delete', 'get', 'increment'],
    metadata: REDIS_BINDING_METADATA,
  },
  {
    type: 'secretstores.local.file',
    aliases: [],
    category: 'secretstores',
    summary: 'Secrets from a JSON file, read once at start-up (development only).',
    storage: 'files',
    features: [],
    featureNote: '`MULTIPLE_KEY_VALUES_PER_SECRET` when `multiValued` is true',
    metadata: LOCAL_FILE_METADATA,
  },
  {
    type: 'secretstores.local.env',
    aliases: [],
    category: 'secretstores',
    summary: "Secrets from the sidecar's environment variables, `DAPR_*` and `APP_API_TOKEN` excepted (development only).",
    storage: 'none',
    features: [],
    metadata: LOCAL_ENV_METADATA,
  },
];

/** Every registered type name (main names and aliases), lower case, sorted. */
export function catalogTypeNames(catalog: readonly CatalogEntry[] = CATALOG): string[] {
  return catalog.flatMap((e) => [e.type, ...e.aliases]).map((t) => t.toLowerCase()).sort();
}

/** The entry for a type name or alias (case-insensitive). */
export function findCatalogEntry(type: string, catalog: readonly CatalogEntry[] = CATALOG): CatalogEntry | undefined {
  const t = type.toLowerCase();
  return catalog.find((e) => e.type === t || e.aliases.includes(t));
}
