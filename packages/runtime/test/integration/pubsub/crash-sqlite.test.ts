/**
 * Scenario: at-least-once across a crash with pubsub.sqlite. A publisher sidecar publishes 1,000
 * messages; when half have reached the app, the subscriber's sidecar is killed with SIGKILL (no
 * graceful shutdown), then started again with the same app id and component (same database file).
 * Every message reaches the app within 90 s; duplicates are allowed.
 */
import { join } from 'node:path';
import { componentYaml, runCrashScenario, stopAll, tempDir } from '@minidapr/testkit';

jest.setTimeout(120000);

const data = tempDir('minidapr-pubsub-crash-');

afterAll(async () => {
  await stopAll();
  data.remove();
});

it('delivers all 1,000 messages after the subscriber sidecar is killed half-way and restarted', async () => {
  const r = await runCrashScenario({
    pubsubName: 'pubsub',
    topic: 'orders',
    resources: () => ({
      'pubsub.yaml': componentYaml('pubsub', 'pubsub.sqlite', { connectionString: join(data.path, 'broker.db'), processingTimeout: '1s', redeliverInterval: '200ms' }),
    }),
  });
  expect(r.killedExit.signal).toBe('SIGKILL');
  expect(r.deliveredBeforeKill).toBeGreaterThanOrEqual(500);
  expect(r.deliveredBeforeKill).toBeLessThan(1000);
  expect(r.missing).toEqual([]);
  expect(r.distinct).toBe(1000);
  expect(r.elapsedMs).toBeLessThan(90000);
  process.stdout.write(`crash-sqlite: ${r.deliveredBeforeKill} before the kill, ${r.duplicates} duplicates, all ${r.distinct} in ${r.elapsedMs} ms\n`);
});
