/**
 * Scenario: at-least-once across a crash with pubsub.redis (Redis Streams on 127.0.0.1:6379;
 * skipped with a visible SKIPPED line when it is not running, a failure under CI=true). A publisher
 * sidecar publishes 1,000 messages; when half have reached the app, the subscriber's sidecar is
 * killed with SIGKILL, then started again with the same app id and component. The entries the dead
 * consumer held are claimed back after processingTimeout, so every message reaches the app within
 * 90 s; duplicates are allowed. Stream and consumer group names are unique to the run.
 */
import Redis from 'ioredis';
import { componentYaml, requireServiceSync, runCrashScenario, stopAll } from '@minidapr/testkit';

jest.setTimeout(120000);

const runId = `crash-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const skip = requireServiceSync('Redis', '127.0.0.1', 6379);
const topic = `${runId}-orders`;

afterAll(async () => {
  await stopAll();
  if (skip) return;
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.del(topic);
  } finally {
    redis.disconnect();
  }
});

(skip ? it.skip : it)(`delivers all 1,000 messages after the subscriber sidecar is killed half-way and restarted${skip ? ` (SKIPPED: ${skip})` : ''}`, async () => {
  const r = await runCrashScenario({
    pubsubName: 'pubsub',
    topic,
    resources: (appId) => ({
      'pubsub.yaml': componentYaml('pubsub', 'pubsub.redis', {
        redisHost: '127.0.0.1:6379',
        consumerID: `${appId}-${runId}`,
        processingTimeout: '1s',
        redeliverInterval: '500ms',
      }),
    }),
  });
  expect(r.killedExit.signal).toBe('SIGKILL');
  expect(r.deliveredBeforeKill).toBeGreaterThanOrEqual(500);
  expect(r.deliveredBeforeKill).toBeLessThan(1000);
  expect(r.missing).toEqual([]);
  expect(r.distinct).toBe(1000);
  expect(r.elapsedMs).toBeLessThan(90000);
  process.stdout.write(`crash-redis: ${r.deliveredBeforeKill} before the kill, ${r.duplicates} duplicates, all ${r.distinct} in ${r.elapsedMs} ms\n`);
});
