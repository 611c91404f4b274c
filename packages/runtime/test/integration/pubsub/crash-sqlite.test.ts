/**
 * Scenario: at-least-once across a crash with pubsub.sqlite. A publisher sidecar publishes 1,000
 * messages; when half have reached the app, the subscriber's sidecar is killed with SIGKILL (no
 * graceful shutdown), then started again with the same app id and component (same database file).
 * Every message reaches the app within 90 s; duplicates are allowed.
 */
import { join } from 'node:path';
import { componentYaml, registerCrashCase, stopAll, tempDir } from '@minidapr/testkit';

jest.setTimeout(120000);

const data = tempDir('minidapr-pubsub-crash-');

afterAll(async () => {
  await stopAll();
  data.remove();
});

registerCrashCase({
  label: 'crash-sqlite',
  pubsubName: 'pubsub',
  topic: 'orders',
  resources: () => ({
    'pubsub.yaml': componentYaml('pubsub', 'pubsub.sqlite', { connectionString: join(data.path, 'broker.db'), processingTimeout: '1s', redeliverInterval: '200ms' }),
  }),
});
