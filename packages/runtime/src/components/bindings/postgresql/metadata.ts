/**
 * @module components/bindings/postgresql/metadata
 * bindings.postgresql metadata (components-contrib bindings/postgres metadata.yaml names). The
 * connection string accepts both of libpq's forms, parsed by the state store's parser; `url` is the
 * legacy name of `connectionString` (the bindings quickstart uses it).
 */
import { MetadataError } from '../../errors';
import { decodeMetadata, type FieldSpec } from '../../metadata';
import { parseConnectionString, type ConnectionTarget } from '../../state/postgresql/metadata';
import type { MetadataMap } from '../../types';
import { BINDING_RUNTIME_FIELDS } from '../runtime-fields';

export const POSTGRES_BINDING_COMPONENT = 'bindings.postgresql';

export const POSTGRES_BINDING_METADATA: readonly FieldSpec[] = [
  {
    name: 'connectionString',
    type: 'string',
    required: true,
    sensitive: true,
    description: 'libpq keyword/value string (host=… user=… dbname=…) or URL (postgres://user:pass@host:5432/db). Legacy name: url.',
    aliases: ['url'],
  },
  {
    name: 'timeout',
    type: 'duration',
    default: '20s',
    description: 'Timeout for connecting and for the start-up ping (legacy name: timeoutInSeconds).',
    aliases: ['timeoutInSeconds'],
  },
  { name: 'maxConns', type: 'number', description: 'Maximum connections in the pool (default: the pool_max_conns connection parameter, else 10).' },
  { name: 'connectionMaxIdleTime', type: 'duration', description: 'Idle time after which a pooled connection is closed.' },
  { name: 'queryExecMode', type: 'string', description: 'Accepted for compatibility with Dapr (pgx query mode); has no effect here.' },
  ...BINDING_RUNTIME_FIELDS,
];

export interface PostgresBindingSettings {
  target: ConnectionTarget;
  timeoutMs: number;
  maxConns: number;
  connectionMaxIdleTimeMs?: number;
}

/** Reads a key/value pair such as `pool_max_conns=10` from the keyword form, if present. */
function connectionParameter(text: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s|[?&])${name}\\s*=\\s*([^\\s&]+)`, 'i').exec(text);
  return m?.[1];
}

export function parsePostgresBindingMetadata(raw: MetadataMap): PostgresBindingSettings {
  // Legacy names (url, timeoutInSeconds) are field aliases, as components-contrib's mapstructure aliases.
  const m = decodeMetadata(POSTGRES_BINDING_COMPONENT, POSTGRES_BINDING_METADATA, raw);
  const text = m.connectionString as string;
  const target = parseConnectionString(POSTGRES_BINDING_COMPONENT, text);
  const timeoutMs = m.timeout as number;
  if (timeoutMs <= 0) throw new MetadataError(POSTGRES_BINDING_COMPONENT, 'timeout', 'must be greater than zero');
  let maxConns = m.maxConns as number | undefined;
  const fromString = connectionParameter(text, 'pool_max_conns');
  if (maxConns === undefined && fromString !== undefined) maxConns = Number(fromString);
  if (maxConns !== undefined && (!Number.isInteger(maxConns) || maxConns < 1)) {
    throw new MetadataError(POSTGRES_BINDING_COMPONENT, 'maxConns', 'must be a positive integer');
  }
  return { target, timeoutMs, maxConns: maxConns ?? 10, connectionMaxIdleTimeMs: m.connectionMaxIdleTime as number | undefined };
}
