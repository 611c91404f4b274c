/**
 * compose/state-management without containers, one variant per profile: order-processor saves,
 * reads and deletes 10 orders through its sidecar, whose `statestore` is the compose `redis`
 * service, here the machine's Redis through the forwarder on the bridge.
 */
import type { Topology } from '../../../src/netns';
import { expectCleanStop, skipReason, startStep, VARIANTS, expectMtls } from './helpers';

jest.setTimeout(90000);
const maybe = skipReason('state-management', { redis: true }) ? it.skip : it;

let topo: Topology | undefined;
afterEach(async () => {
  await topo?.stop();
  topo = undefined;
});

maybe.each(VARIANTS)('profile %s: order-processor saves, gets and deletes 10 orders in Redis', async (profile, suffix) => {
  topo = await startStep('state-management', [profile]);
  const t = topo;
  const app = `order-processor-${suffix}`;
  expect(t.plan.groups.map((g) => g.services)).toEqual([['trust-root'], [app, `${app}-dapr`]]);
  expect(t.plan.externals).toEqual([{ name: 'redis', port: 6379 }]);
  // The lines the variant's README shows.
  await t.waitForOutput(app, 'state done: 10 orders', 30000);
  const out = t.output(app);
  expect(out).toContain('Saving Order: {"orderId":1}');
  expect(out).toContain('Getting Order: {"orderId":10}');
  expect(out).toContain('Deleting Order: {"orderId":10}');
  expect((await t.exited(app)).code).toBe(0);
  expect(t.forwardedConnections('redis')).toBeGreaterThan(0);

  expectMtls(t);
  topo = undefined;
  await expectCleanStop(t);
});
