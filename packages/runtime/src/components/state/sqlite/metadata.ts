/**
 * @module components/state/sqlite/metadata
 * state.sqlite metadata, with the field names Dapr's SQLite state store uses.
 */
import { isAbsolute, resolve } from 'node:path';
import { MetadataError } from '../../errors';
import { checkSqliteFile } from '../../sqlite-path';
import { decodeMetadata, type FieldSpec } from '../../metadata';
import type { MetadataMap } from '../../types';

const COMPONENT = 'state.sqlite';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export const SQLITE_STATE_METADATA: readonly FieldSpec[] = [
  {
    name: 'connectionString',
    type: 'string',
    required: true,
    description:
      'The database: a file path (relative paths resolve against the sidecar working directory), a `file:` URI, or `:memory:`.',
  },
  { name: 'tableName', type: 'string', default: 'state', description: 'Table that holds the state rows.' },
  {
    name: 'metadataTableName',
    type: 'string',
    default: 'metadata',
    description: 'Table that holds the schema version and the time of the last expired-row cleanup.',
  },
  {
    name: 'cleanupInterval',
    type: 'duration',
    default: '1h',
    description: 'How often expired rows are deleted (duration or seconds); `0` or a negative value disables the cleanup.',
  },
  {
    name: 'busyTimeout',
    type: 'duration',
    default: '2s',
    description: 'How long a write waits for another connection or process holding the database lock.',
  },
  {
    name: 'timeout',
    type: 'duration',
    default: '20s',
    description: 'Timeout for database operations. Accepted for compatibility: statements run synchronously and waits are bounded by busyTimeout.',
  },
  {
    name: 'disableWAL',
    type: 'boolean',
    default: 'false',
    description: 'Keep the rollback journal instead of write-ahead logging (for databases on network file systems).',
  },
];

export interface SqliteConfig {
  /** Resolved file path, or `:memory:`. */
  file: string;
  tableName: string;
  metadataTableName: string;
  cleanupIntervalMs: number;
  busyTimeoutMs: number;
  timeoutMs: number;
  disableWAL: boolean;
}

/**
 * Decodes and validates the component metadata. `connectionString` is a path (relative to `cwd`),
 * a `file:` URI (`file:data.db`, `file:///abs/data.db`, query parameters other than
 * `mode=memory` are ignored) or `:memory:`.
 */
export function parseSqliteMetadata(raw: MetadataMap, cwd: string): SqliteConfig {
  // Negative cleanup intervals disable the cleanup, like 0; the duration parser only takes positives.
  const normalised = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, k.toLowerCase() === 'cleanupinterval' && /^\s*-/.test(v) ? '0' : v]),
  );
  const m = decodeMetadata(COMPONENT, SQLITE_STATE_METADATA, normalised);
  const tableName = m.tableName as string;
  const metadataTableName = m.metadataTableName as string;
  for (const [field, value] of [['tableName', tableName], ['metadataTableName', metadataTableName]] as const) {
    if (!IDENTIFIER.test(value)) {
      throw new MetadataError(COMPONENT, field, 'must be a plain SQL identifier (letters, digits, _)');
    }
  }
  if (tableName.toLowerCase() === metadataTableName.toLowerCase()) {
    throw new MetadataError(COMPONENT, 'metadataTableName', `must differ from tableName ("${tableName}")`);
  }
  const file = resolveDatabaseFile(m.connectionString as string, cwd);
  checkSqliteFile(COMPONENT, 'connectionString', file);
  return {
    file,
    tableName,
    metadataTableName,
    cleanupIntervalMs: m.cleanupInterval as number,
    busyTimeoutMs: m.busyTimeout as number,
    timeoutMs: m.timeout as number,
    disableWAL: m.disableWAL as boolean,
  };
}

function resolveDatabaseFile(connectionString: string, cwd: string): string {
  let path = connectionString.trim();
  if (path.toLowerCase().startsWith('file:')) {
    const [rest, query = ''] = path.slice(5).split('?', 2) as [string, string?];
    const params = new URLSearchParams(query);
    if (params.get('mode') === 'memory') return ':memory:';
    path = rest;
    if (path.startsWith('//')) {
      // file://host/path: only an empty host or localhost means this machine.
      const slash = path.indexOf('/', 2);
      const host = path.slice(2, slash === -1 ? undefined : slash);
      if (host !== '' && host !== 'localhost') {
        throw new MetadataError(COMPONENT, 'connectionString', `file URI host "${host}" is not supported; use file:///path`);
      }
      path = slash === -1 ? '' : path.slice(slash);
    }
    try {
      path = decodeURIComponent(path);
    } catch {
      throw new MetadataError(COMPONENT, 'connectionString', 'has an invalid percent-encoding');
    }
  }
  if (path === ':memory:') return path;
  if (path === '') throw new MetadataError(COMPONENT, 'connectionString', 'has no file path');
  return isAbsolute(path) ? path : resolve(cwd, path);
}
