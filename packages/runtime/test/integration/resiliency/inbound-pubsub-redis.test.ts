/**
 * Scenario: pub/sub inbound resiliency on pubsub.redis (the shared Redis at 127.0.0.1:6379; streams
 * and consumer groups unique to the run, deleted afterwards): 1 + N calls on recovery, exactly 6 on
 * exhaustion then the dead-letter topic, RETRY answers retried, 404 not retried (see
 * inbound-pubsub-scenario.ts).
 */
import { componentYaml, requireServiceSync } from '@minidapr/testkit';
import { deleteRedisKeys } from '../../support/redis';
import { inboundPubsubScenario } from './inbound-pubsub-scenario';

jest.setTimeout(40000);

const runId = `res-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const skip = requireServiceSync('Redis', '127.0.0.1', 6379);

if (skip) {
  it.skip('needs Redis on 127.0.0.1:6379', () => {});
} else {
  afterAll(() => deleteRedisKeys(`*-${runId}`));
  inboundPubsubScenario({
    runId,
    resources: () => ({
      'pubsub.yaml': componentYaml('pubsub', 'pubsub.redis', { redisHost: '127.0.0.1:6379', consumerID: `inbound-${runId}` }),
    }),
  });
}
