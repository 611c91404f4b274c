/**
 * @module components/state/postgresql/metadata
 * state.postgresql metadata (components-contrib state/postgresql/v1 metadata.yaml names), plus the
 * connection-string parsing: both the URL form and libpq's keyword/value form are accepted.
 */
import { decodeMetadata, type FieldSpec } from '../../metadata';
import { MetadataError } from '../../errors';
import type { MetadataMap } from '../../types';

export const POSTGRES_STATE_METADATA: readonly FieldSpec[] = [
  {
    name: 'connectionString',
    type: 'string',
    required: true,
    sensitive: true,
    description: 'libpq keyword/value string (host=… user=… dbname=…) or URL (postgres://user:pass@host:5432/db).',
  },
  { name: 'tableName', type: 'string', default: 'state', description: 'Table holding the state (created if missing); may be schema-qualified.' },
  { name: 'metadataTableName', type: 'string', default: 'dapr_metadata', description: 'Table for bookkeeping such as the last TTL cleanup time.' },
  { name: 'timeout', type: 'duration', default: '20s', description: 'Timeout for connecting and for each database operation.' },
  { name: 'cleanupInterval', type: 'duration', default: '1h', description: 'How often expired rows are deleted; 0 disables the cleanup.' },
  { name: 'maxConns', type: 'number', description: 'Maximum connections in the pool (default 10).' },
  { name: 'connectionMaxIdleTime', type: 'duration', description: 'Idle time after which a pooled connection is closed.' },
  { name: 'queryExecMode', type: 'string', description: 'Accepted for compatibility with Dapr (pgx query mode); has no effect here.' },
];

export interface PostgresStateMetadata {
  connectionString: string;
  tableName: string;
  metadataTableName: string;
  timeoutMs: number;
  cleanupIntervalMs: number;
  maxConns?: number;
  connectionMaxIdleTimeMs?: number;
}

/** Unquoted SQL identifier, optionally schema-qualified: table names are interpolated, so they must be safe. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

export function decodePostgresMetadata(component: string, raw: MetadataMap): PostgresStateMetadata {
  const d = decodeMetadata(component, POSTGRES_STATE_METADATA, raw);
  for (const field of ['tableName', 'metadataTableName']) {
    if (!IDENTIFIER.test(d[field] as string)) {
      throw new MetadataError(component, field, 'must be a table name of letters, digits and underscores (optionally schema.table)');
    }
  }
  if (d.tableName === d.metadataTableName) throw new MetadataError(component, 'metadataTableName', 'must differ from tableName');
  const maxConns = d.maxConns as number | undefined;
  if (maxConns !== undefined && (!Number.isInteger(maxConns) || maxConns < 1)) {
    throw new MetadataError(component, 'maxConns', 'must be a positive integer');
  }
  const timeoutMs = d.timeout as number;
  if (timeoutMs <= 0) throw new MetadataError(component, 'timeout', 'must be greater than zero');
  return {
    connectionString: d.connectionString as string,
    tableName: d.tableName as string,
    metadataTableName: d.metadataTableName as string,
    timeoutMs,
    cleanupIntervalMs: d.cleanupInterval as number,
    maxConns,
    connectionMaxIdleTimeMs: d.connectionMaxIdleTime as number | undefined,
  };
}

/** What `pg` needs to connect, decoded from either connection-string form. */
export interface ConnectionTarget {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean | { rejectUnauthorized: boolean };
  /** `user@host:port/db`, never with the password: for error messages. */
  display: string;
}

const SSL_MODES: Record<string, ConnectionTarget['ssl']> = {
  disable: false,
  allow: false,
  prefer: false,
  require: { rejectUnauthorized: false },
  'verify-ca': { rejectUnauthorized: true },
  'verify-full': { rejectUnauthorized: true },
};

export function parseConnectionString(component: string, text: string): ConnectionTarget {
  const fields = /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim()) ? parseUrl(component, text.trim()) : parseKeywordValue(component, text);
  const out: ConnectionTarget = { display: '' };
  for (const [key, value] of Object.entries(fields)) {
    switch (key) {
      case 'host':
      case 'hostaddr':
        out.host = value;
        break;
      case 'port': {
        const port = Number(value);
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new MetadataError(component, 'connectionString', `has an invalid port "${value}"`);
        out.port = port;
        break;
      }
      case 'user':
        out.user = value;
        break;
      case 'password':
        out.password = value;
        break;
      case 'dbname':
      case 'database':
        out.database = value;
        break;
      case 'sslmode':
        if (!(value in SSL_MODES)) throw new MetadataError(component, 'connectionString', `has an unknown sslmode "${value}"`);
        out.ssl = SSL_MODES[value];
        break;
      default:
        // connect_timeout, application_name, pool_* and the like: the component metadata governs these.
        break;
    }
  }
  out.display = `${out.user ?? 'postgres'}@${out.host ?? 'localhost'}:${out.port ?? 5432}/${out.database ?? out.user ?? 'postgres'}`;
  return out;
}

function parseUrl(component: string, text: string): Record<string, string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MetadataError(component, 'connectionString', 'is not a valid postgres:// URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new MetadataError(component, 'connectionString', 'must use the postgres:// scheme');
  }
  const out: Record<string, string> = {};
  if (url.hostname) out.host = decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  if (url.port) out.port = url.port;
  if (url.username) out.user = decodeURIComponent(url.username);
  if (url.password) out.password = decodeURIComponent(url.password);
  const db = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (db) out.dbname = db;
  for (const [k, v] of url.searchParams) out[k] = v;
  return out;
}

/** libpq keyword/value: `key=value` pairs separated by spaces; values may be 'single quoted' with \ escapes. */
function parseKeywordValue(component: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const skipSpaces = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  for (skipSpaces(); i < text.length; skipSpaces()) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new MetadataError(component, 'connectionString', 'must be key=value pairs or a postgres:// URL');
    const key = text.slice(i, eq).trim();
    if (!/^[a-z_]+$/i.test(key)) throw new MetadataError(component, 'connectionString', `has an invalid keyword "${key}"`);
    i = eq + 1;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    let value = '';
    if (text[i] === "'") {
      i++;
      for (;;) {
        if (i >= text.length) throw new MetadataError(component, 'connectionString', `has an unterminated quoted value for "${key}"`);
        const c = text[i] as string;
        if (c === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
    } else {
      while (i < text.length && !/\s/.test(text[i] as string)) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
    }
    out[key.toLowerCase()] = value;
  }
  return out;
}
