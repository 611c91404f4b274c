/**
 * Scenario: pub/sub inbound resiliency on the embedded pubsub.sqlite broker (see
 * inbound-pubsub-scenario.ts): 1 + N calls on recovery, exactly 6 on exhaustion then the dead-letter
 * topic, RETRY answers retried, 404 not retried. A long redeliverInterval shows the counts come from
 * the policy, not from the broker.
 */
import { join } from 'node:path';
import { componentYaml, tempDir } from '@minidapr/testkit';
import { inboundPubsubScenario } from './inbound-pubsub-scenario';

jest.setTimeout(40000);

const dir = tempDir('minidapr-res-inbound-sqlite-');
afterAll(() => dir.remove());

inboundPubsubScenario({
  runId: 'sqlite',
  resources: () => ({
    'pubsub.yaml': componentYaml('pubsub', 'pubsub.sqlite', { connectionString: join(dir.path, 'bus.db'), pollInterval: '20ms', redeliverInterval: '60s' }),
  }),
});
