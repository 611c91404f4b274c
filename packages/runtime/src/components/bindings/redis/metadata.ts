/**
 * @module components/bindings/redis/metadata
 * bindings.redis metadata: Dapr's Redis connection fields (shared with state.redis and pubsub.redis
 * in components/redis-connection), and the `ttlInSeconds` request metadata of create and increment.
 */
import { decodeMetadata, type FieldSpec } from '../../metadata';
import { parseRedisConnection, REDIS_CONNECTION_METADATA, type RedisConnectionSettings } from '../../redis-settings';
import type { MetadataMap } from '../../types';
import { BINDING_RUNTIME_FIELDS } from '../runtime-fields';

export const REDIS_BINDING_COMPONENT = 'bindings.redis';

export const REDIS_BINDING_METADATA: readonly FieldSpec[] = [...REDIS_CONNECTION_METADATA, ...BINDING_RUNTIME_FIELDS];

export function parseRedisBindingMetadata(raw: MetadataMap): RedisConnectionSettings {
  return parseRedisConnection(REDIS_BINDING_COMPONENT, decodeMetadata(REDIS_BINDING_COMPONENT, REDIS_BINDING_METADATA, raw));
}

/** Request metadata `ttlInSeconds` (as components-contrib metadata.TryGetTTL): absent or empty → none; else a whole number > 0. */
export function requestTtlSeconds(metadata: Record<string, string>): number | undefined {
  const raw = metadata.ttlInSeconds;
  if (raw === undefined || raw === '') return undefined;
  if (!/^[+-]?\d+$/.test(raw.trim())) throw new Error(`ttlInSeconds value must be a valid integer: actual is '${raw}'`);
  const ttl = Number(raw.trim());
  if (ttl <= 0) throw new Error(`ttlInSeconds value must be higher than zero: actual is ${ttl}`);
  return ttl;
}
