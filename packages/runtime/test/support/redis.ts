/**
 * @module test/support/redis
 * For tests against the shared Redis at 127.0.0.1:6379: each test run names its keys, streams and
 * consumer groups uniquely and deletes them afterwards; the pub/sub scenarios share one component.
 */
import Redis from 'ioredis';
import { componentYaml } from '@minidapr/testkit';

/** Deletes every key matching the SCAN `pattern` (e.g. `prefix*`) on its own short-lived connection. */
export async function deleteRedisKeys(pattern: string, host = '127.0.0.1', port = 6379): Promise<void> {
  const redis = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * The resources of a pub/sub scenario on pubsub.redis (component `pubsub`): a consumer group per app
 * and run, and short processingTimeout / redeliverInterval so redelivery is fast.
 */
export function redisPubSubResources(runId: string): (appId: string) => Record<string, string> {
  return (appId) => ({
    'pubsub.yaml': componentYaml('pubsub', 'pubsub.redis', {
      redisHost: '127.0.0.1:6379',
      consumerID: `${appId}-${runId}`,
      processingTimeout: '1s',
      redeliverInterval: '500ms',
    }),
  });
}
