/**
 * Conformance: pubsub.in-memory through real sidecars and subscriber apps (components-contrib 4.2
 * and the subscriber contract 5.1/5.3). The broker lives inside each sidecar process, so each
 * subscriber publishes through its own sidecar. After 5 failed attempts without a dead-letter
 * topic the in-memory broker gives the message up.
 */
import { componentYaml, runPubSubConformance, stopAll } from '@minidapr/testkit';

jest.setTimeout(60000);

afterAll(async () => {
  await stopAll();
});

runPubSubConformance({
  pubsubName: 'pubsub',
  componentType: 'pubsub.in-memory',
  resources: () => ({ 'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory') }),
  perProcessBroker: true,
  checkInOrder: true,
  afterExhaustion: 'dropped',
  // Its retries back off 50, 100, 200 and 400 ms.
  quietMs: 1000,
});
