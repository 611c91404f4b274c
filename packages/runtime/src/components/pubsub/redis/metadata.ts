/**
 * @module components/pubsub/redis/metadata
 * pubsub.redis metadata: Dapr's field names (components-contrib pubsub/redis metadata.yaml): the
 * connection fields shared with state.redis, plus the Redis Streams consumer settings.
 */
import { MetadataError } from '../../errors';
import { decodeMetadata, type FieldSpec } from '../../metadata';
import { parseRedisConnection, REDIS_CONNECTION_METADATA, type RedisConnectionSettings } from '../../redis-settings';
import type { MetadataMap } from '../../types';

export const COMPONENT = 'pubsub.redis';

export const REDIS_PUBSUB_METADATA: readonly FieldSpec[] = [
  ...REDIS_CONNECTION_METADATA,
  {
    name: 'consumerID',
    type: 'string',
    description: 'Consumer group. Defaults to the app id: every app id gets every message, replicas of one app id share them.',
  },
  {
    name: 'processingTimeout',
    type: 'duration',
    default: '15s',
    description: 'A delivered message left unacknowledged this long (e.g. its subscriber crashed) is claimed and redelivered. `0` disables redelivery.',
  },
  {
    name: 'redeliverInterval',
    type: 'duration',
    default: '60s',
    description: 'How often the pending list is scanned for messages to reclaim (those idle longer than processingTimeout). `0` disables redelivery.',
  },
  { name: 'queueDepth', type: 'number', default: '100', description: 'Messages read (and held) at once per subscription.' },
  { name: 'concurrency', type: 'number', default: '10', description: 'Messages handled at once by this component, across its subscriptions.' },
  { name: 'maxLenApprox', type: 'number', description: 'Trim each stream to about this many entries on publish (XADD MAXLEN ~).' },
  {
    name: 'streamTTL',
    type: 'duration',
    description: 'Trim entries older than this on publish (XADD MINID ~). Ignored when maxLenApprox is set.',
  },
];

export interface RedisPubSubConfig {
  connection: RedisConnectionSettings;
  consumerID: string;
  processingTimeoutMs: number;
  redeliverIntervalMs: number;
  queueDepth: number;
  concurrency: number;
  /** 0: no trimming. */
  maxLenApprox: number;
  /** 0: no trimming. */
  streamTTLMs: number;
}

function wholeNumber(field: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new MetadataError(COMPONENT, field, `must be a whole number of at least ${min}`);
  }
  return value;
}

/** Decodes and validates the metadata; `appId` is the default consumer group. */
export function parseRedisPubSubMetadata(raw: MetadataMap, appId: string): RedisPubSubConfig {
  const m = decodeMetadata(COMPONENT, REDIS_PUBSUB_METADATA, raw);
  const connection = parseRedisConnection(COMPONENT, m);
  const consumerID = ((m.consumerID as string | undefined) ?? appId).trim();
  if (consumerID === '') throw new MetadataError(COMPONENT, 'consumerID', 'is empty and no app id is set to default to');
  return {
    connection,
    consumerID,
    processingTimeoutMs: m.processingTimeout as number,
    redeliverIntervalMs: m.redeliverInterval as number,
    queueDepth: wholeNumber('queueDepth', m.queueDepth as number, 1) as number,
    concurrency: wholeNumber('concurrency', m.concurrency as number, 1) as number,
    maxLenApprox: wholeNumber('maxLenApprox', m.maxLenApprox as number | undefined, 0) ?? 0,
    streamTTLMs: Math.round((m.streamTTL as number | undefined) ?? 0),
  };
}
