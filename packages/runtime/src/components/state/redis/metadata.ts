/**
 * @module components/state/redis/metadata
 * state.redis metadata: Dapr's field names (components-contrib state/redis metadata.yaml), decoded
 * into the connection settings the store needs (the connection fields are shared with pubsub.redis in
 * components/redis-connection). Cluster and Sentinel (failover) modes are rejected.
 */
import { MetadataError } from '../../errors';
import { decodeMetadata, type FieldSpec } from '../../metadata';
import { parseRedisConnection, REDIS_CONNECTION_METADATA, type RedisConnectionSettings } from '../../redis-settings';
import type { MetadataMap } from '../../types';
import { MAX_TTL_SECONDS, parseTtlValue } from '../ttl';

export const REDIS_STATE_COMPONENT = 'state.redis';

export const REDIS_STATE_METADATA: readonly FieldSpec[] = [
  ...REDIS_CONNECTION_METADATA,
  { name: 'ttlInSeconds', type: 'number', description: 'Default TTL of every write without its own ttlInSeconds' },
  { name: 'actorStateStore', type: 'boolean', default: 'false', description: 'Use as the actor state store (read by the runtime)' },
  { name: 'keyPrefix', type: 'string', description: 'Key prefix strategy (applied by the state API, not the store)' },
];

export interface RedisStateSettings extends RedisConnectionSettings {
  /** Store-wide default TTL in seconds (≤ 0: never expire). */
  ttlInSeconds?: number;
}

export function parseRedisStateMetadata(metadata: MetadataMap): RedisStateSettings {
  const m = decodeMetadata(REDIS_STATE_COMPONENT, REDIS_STATE_METADATA, metadata);
  const connection = parseRedisConnection(REDIS_STATE_COMPONENT, m);
  const raw = Object.entries(metadata).find(([k]) => k.toLowerCase() === 'ttlinseconds')?.[1];
  let ttl: number | undefined;
  try {
    ttl = raw === undefined || raw === '' ? undefined : parseTtlValue(raw.trim());
  } catch {
    throw new MetadataError(REDIS_STATE_COMPONENT, 'ttlInSeconds', `must be a whole number of seconds from -1 to ${MAX_TTL_SECONDS}`);
  }
  return { ...connection, ttlInSeconds: ttl };
}
