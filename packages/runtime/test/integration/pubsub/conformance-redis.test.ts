/**
 * Conformance: pubsub.redis (Redis Streams) through real sidecars and subscriber apps
 * (components-contrib 4.2 and the subscriber contract 5.1/5.3), against Redis on 127.0.0.1:6379
 * (skipped with a visible SKIPPED line when it is not running; a failure under CI=true). Every
 * topic (stream) and consumer group is unique to the run, and the streams are deleted afterwards.
 * Short processingTimeout / redeliverInterval keep redelivery fast; Redis Streams do not promise
 * in-order processing (components-contrib sets checkInOrderProcessing: false for redis).
 */
import Redis from 'ioredis';
import { componentYaml, requireServiceSync, runPubSubConformance, stopAll } from '@minidapr/testkit';

jest.setTimeout(60000);

const runId = `redis-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const skip = requireServiceSync('Redis', '127.0.0.1', 6379);

afterAll(async () => {
  await stopAll();
  if (skip) return;
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `conf-${runId}-*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
});

runPubSubConformance({
  pubsubName: 'pubsub',
  componentType: 'pubsub.redis',
  runId,
  skipAll: skip,
  resources: (appId) => ({
    'pubsub.yaml': componentYaml('pubsub', 'pubsub.redis', {
      redisHost: '127.0.0.1:6379',
      consumerID: `${appId}-${runId}`,
      processingTimeout: '1s',
      redeliverInterval: '500ms',
    }),
  }),
  checkInOrder: false,
  afterExhaustion: 'redelivered',
  // A retried entry comes back once it has been pending processingTimeout, at the next scan.
  quietMs: 2500,
});
