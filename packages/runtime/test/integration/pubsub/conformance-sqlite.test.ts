/**
 * Conformance: pubsub.sqlite through real sidecars and subscriber apps (components-contrib 4.2 and
 * the subscriber contract 5.1/5.3). Publisher and subscribers are separate sidecars sharing one
 * database file in a temp dir; each app id is its own consumer group. Short processingTimeout and
 * redeliverInterval keep retries fast; a message failed 5 times without a dead-letter topic stays
 * in the broker and keeps being redelivered.
 */
import { join } from 'node:path';
import { componentYaml, runPubSubConformance, stopAll, tempDir } from '@minidapr/testkit';

jest.setTimeout(60000);

const data = tempDir('minidapr-pubsub-conf-');

afterAll(async () => {
  await stopAll();
  data.remove();
});

runPubSubConformance({
  pubsubName: 'pubsub',
  componentType: 'pubsub.sqlite',
  resources: () => ({
    'pubsub.yaml': componentYaml('pubsub', 'pubsub.sqlite', { connectionString: join(data.path, 'broker.db'), processingTimeout: '1s', redeliverInterval: '200ms' }),
  }),
  checkInOrder: true,
  afterExhaustion: 'redelivered',
  quietMs: 1500,
});
