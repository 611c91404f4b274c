/**
 * Scenario: at-least-once across a crash with pubsub.redis (Redis Streams on 127.0.0.1:6379;
 * skipped with a visible SKIPPED line when it is not running, a failure under CI=true). A publisher
 * sidecar publishes 1,000 messages; when half have reached the app, the subscriber's sidecar is
 * killed with SIGKILL, then started again with the same app id and component. The entries the dead
 * consumer held are claimed back after processingTimeout, so every message reaches the app within
 * 90 s; duplicates are allowed. Stream and consumer group names are unique to the run.
 */
import { registerCrashCase, requireServiceSync, stopAll } from '@minidapr/testkit';
import { deleteRedisKeys, redisPubSubResources } from '../../support/redis';

jest.setTimeout(120000);

const runId = `crash-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const skip = requireServiceSync('Redis', '127.0.0.1', 6379);
const topic = `${runId}-orders`;

afterAll(async () => {
  await stopAll();
  if (!skip) await deleteRedisKeys(topic);
});

registerCrashCase({
  label: 'crash-redis',
  skip,
  pubsubName: 'pubsub',
  topic,
  resources: redisPubSubResources(runId),
});
