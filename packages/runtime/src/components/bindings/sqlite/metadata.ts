/**
 * @module components/bindings/sqlite/metadata
 * bindings.sqlite metadata: the database file and its locking settings, named as in the SQLite state
 * store, whose connection-string resolution (paths relative to the sidecar's working directory,
 * `file:` URIs, `:memory:`) is reused here.
 */
import { MetadataError } from '../../errors';
import type { FieldSpec } from '../../metadata';
import { parseSqliteMetadata } from '../../state/sqlite/metadata';
import type { MetadataMap } from '../../types';
import { BINDING_RUNTIME_FIELDS } from '../runtime-fields';

export const SQLITE_BINDING_COMPONENT = 'bindings.sqlite';

export const SQLITE_BINDING_METADATA: readonly FieldSpec[] = [
  {
    name: 'connectionString',
    type: 'string',
    required: true,
    description: 'The database: a file path (relative paths resolve against the sidecar working directory), a `file:` URI, or `:memory:`.',
  },
  {
    name: 'busyTimeout',
    type: 'duration',
    default: '2s',
    description: 'How long a statement waits for another connection or process holding the database lock.',
  },
  { name: 'timeout', type: 'duration', default: '20s', description: 'Accepted for compatibility: statements run synchronously and waits are bounded by busyTimeout.' },
  { name: 'disableWAL', type: 'boolean', default: 'false', description: 'Keep the rollback journal instead of write-ahead logging (for databases on network file systems).' },
  ...BINDING_RUNTIME_FIELDS,
];

export interface SqliteBindingSettings {
  /** Resolved file path, or `:memory:`. */
  file: string;
  busyTimeoutMs: number;
  disableWAL: boolean;
}

const FIELDS = new Set(SQLITE_BINDING_METADATA.map((f) => f.name.toLowerCase()));

export function parseSqliteBindingMetadata(raw: MetadataMap, cwd: string): SqliteBindingSettings {
  // Only this component's fields go to the shared parser (its table-name checks have nothing to check here).
  const own = Object.fromEntries(Object.entries(raw).filter(([k]) => FIELDS.has(k.toLowerCase())));
  try {
    const cfg = parseSqliteMetadata(own, cwd);
    return { file: cfg.file, busyTimeoutMs: cfg.busyTimeoutMs, disableWAL: cfg.disableWAL };
  } catch (err) {
    if (!(err instanceof MetadataError)) throw err;
    // Same field and problem, under this component's name.
    const problem = err.message.replace(/^component \S+: metadata field "[^"]*" /, '');
    throw new MetadataError(SQLITE_BINDING_COMPONENT, err.field, problem);
  }
}
