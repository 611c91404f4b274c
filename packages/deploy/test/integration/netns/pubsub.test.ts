/**
 * compose/pubsub without containers, one variant per profile: checkout publishes 10 orders to
 * `orders` on `orderpubsub` (Redis Streams: the machine's Redis through the forwarder) and
 * order-processor's sidecar delivers them, each app with its sidecar in its own namespace.
 */
import type { Topology } from '../../../src/netns';
import { expectCleanStop, redisCommand, skipReason, startStep, VARIANTS, expectMtls } from './helpers';

jest.setTimeout(90000);
const maybe = skipReason('pubsub', { redis: true }) ? it.skip : it;

let topo: Topology | undefined;
afterEach(async () => {
  await topo?.stop();
  topo = undefined;
});

maybe.each(VARIANTS)('profile %s: order-processor receives the 10 orders checkout publishes', async (profile, suffix) => {
  const processor = `order-processor-${suffix}`;
  const checkout = `checkout-${suffix}`;
  // The Redis here outlives the run (unlike the compose container): start the subscriber's consumer
  // group at the end of the stream, so it gets this run's orders and none from earlier runs.
  const created = await redisCommand('XGROUP', 'CREATE', 'orders', processor, '$', 'MKSTREAM');
  if (!created.startsWith('+OK')) expect(await redisCommand('XGROUP', 'SETID', 'orders', processor, '$')).toBe('+OK\r\n');

  topo = await startStep('pubsub', [profile]);
  const t = topo;
  expect(t.plan.groups.map((g) => g.services)).toEqual([
    ['trust-root'],
    [processor, `${processor}-dapr`],
    [checkout, `${checkout}-dapr`],
  ]);
  // The lines the variant's README shows.
  await t.waitForOutput(checkout, 'checkout done: 10 orders', 30000);
  await t.waitForOutput(processor, 'pubsub done: 10 orders', 15000);
  for (let id = 1; id <= 10; id++) {
    expect(t.output(checkout)).toContain(`Published data: {"orderId":${id}}`);
    expect(t.output(processor)).toContain(`Subscriber received: {"orderId":${id}}`);
  }
  expect(t.forwardedConnections('redis')).toBeGreaterThan(0);

  expectMtls(t);
  topo = undefined;
  await expectCleanStop(t);
});
