/**
 * compose/resiliency without containers, one variant per profile: checkout calls order-processor by
 * app id through both sidecars, and checkout's sidecar loads the Resiliency resource mounted from
 * compose/resiliency/components (order-processor's sidecar loads the folder too and skips it: the
 * resource's scopes name only the callers). Then the service-to-component part,
 * compose/resiliency/state: order-processor-state saves and reads orders in `statestore`, the
 * compose `redis` service (here the machine's Redis through the forwarder on the bridge), and its
 * sidecar loads the Resiliency resource whose target is that component.
 */
import type { Topology } from '../../../src/netns';
import { expectCleanStop, expectMtls, skipReason, startStep, VARIANTS } from './helpers';

jest.setTimeout(90000);
const maybe = skipReason('resiliency') ? it.skip : it;
const maybeRedis = skipReason('resiliency/state', { redis: true }) ? it.skip : it;

let topo: Topology | undefined;
afterEach(async () => {
  await topo?.stop();
  topo = undefined;
});

maybe.each(VARIANTS)('profile %s: checkout passes orders to order-processor under the Resiliency policies', async (profile, suffix) => {
  topo = await startStep('resiliency', [profile]);
  const t = topo;
  const processor = `order-processor-${suffix}`;
  const checkout = `checkout-${suffix}`;
  expect(t.plan.groups.map((g) => g.services)).toEqual([
    ['trust-root'],
    [processor, `${processor}-dapr`],
    [checkout, `${checkout}-dapr`],
  ]);
  await t.waitForOutput(checkout, 'Order passed: {"orderId":3}', 30000);
  for (let id = 1; id <= 3; id++) expect(t.output(processor)).toContain(`Order received: {"orderId":${id}}`);
  expect(t.output(`${checkout}-dapr`)).toContain('Loading Resiliency configuration: myresiliency');
  expect(t.output(`${processor}-dapr`)).not.toContain('Loading Resiliency configuration: myresiliency');

  expectMtls(t);
  topo = undefined;
  await expectCleanStop(t);
});

maybeRedis.each(VARIANTS)('state, profile %s: order-processor saves and reads orders in Redis under the Resiliency policies', async (profile, suffix) => {
  topo = await startStep('resiliency/state', [profile]);
  const t = topo;
  const app = `order-processor-${suffix}`;
  expect(t.plan.groups.map((g) => g.services)).toEqual([['trust-root'], [app, `${app}-dapr`]]);
  expect(t.plan.externals).toEqual([{ name: 'redis', port: 6379 }]);
  // The lines the variant's README shows.
  await t.waitForOutput(app, 'Getting Order: {"orderId":3}', 30000);
  for (let id = 1; id <= 3; id++) expect(t.output(app)).toContain(`Saving Order: {"orderId":${id}}`);
  expect(t.output(app)).not.toContain('failed (');
  expect(t.output(`${app}-dapr`)).toContain('Loading Resiliency configuration: myresiliency');
  expect(t.forwardedConnections('redis')).toBeGreaterThan(0);

  expectMtls(t);
  topo = undefined;
  await expectCleanStop(t);
});
