/**
 * Conformance: pubsub.redis (Redis Streams) through real sidecars and subscriber apps
 * (components-contrib 4.2 and the subscriber contract 5.1/5.3), against Redis on 127.0.0.1:6379
 * (skipped with a visible SKIPPED line when it is not running; a failure under CI=true). Every
 * topic (stream) and consumer group is unique to the run, and the streams are deleted afterwards.
 * Short processingTimeout / redeliverInterval keep redelivery fast; Redis Streams do not promise
 * in-order processing (components-contrib sets checkInOrderProcessing: false for redis).
 */
import { requireServiceSync, runPubSubConformance, stopAll } from '@minidapr/testkit';
import { deleteRedisKeys, redisPubSubResources } from '../../support/redis';

jest.setTimeout(60000);

const runId = `redis-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const skip = requireServiceSync('Redis', '127.0.0.1', 6379);

afterAll(async () => {
  await stopAll();
  if (!skip) await deleteRedisKeys(`conf-${runId}-*`);
});

runPubSubConformance({
  pubsubName: 'pubsub',
  componentType: 'pubsub.redis',
  runId,
  skipAll: skip,
  resources: redisPubSubResources(runId),
  checkInOrder: false,
  afterExhaustion: 'redelivered',
  // A retried entry comes back once it has been pending processingTimeout, at the next scan.
  quietMs: 2500,
});
