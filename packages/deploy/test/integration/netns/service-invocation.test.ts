/**
 * compose/service-invocation without containers, one variant per profile: checkout calls
 * order-processor by app id through both sidecars, which find each other by DNS name
 * (compose/config.yaml → <appId>:50002), each app and its sidecar in their own namespace.
 */
import type { Topology } from '../../../src/netns';
import { expectCleanStop, skipReason, startStep, VARIANTS, expectMtls } from './helpers';

jest.setTimeout(90000);
const maybe = skipReason('service-invocation') ? it.skip : it;

let topo: Topology | undefined;
afterEach(async () => {
  await topo?.stop();
  topo = undefined;
});

maybe.each(VARIANTS)('profile %s: checkout passes 10 orders to order-processor through the sidecars', async (profile, suffix) => {
  topo = await startStep('service-invocation', [profile]);
  const t = topo;
  const processor = `order-processor-${suffix}`;
  const checkout = `checkout-${suffix}`;
  expect(t.plan.groups.map((g) => g.services)).toEqual([
    ['trust-root'],
    [processor, `${processor}-dapr`],
    [checkout, `${checkout}-dapr`],
  ]);
  expect(t.address(processor)).not.toBe(t.address(checkout));
  // The lines the variant's README shows.
  await t.waitForOutput(checkout, 'checkout done: 10 orders', 30000);
  for (let id = 1; id <= 10; id++) expect(t.output(processor)).toContain(`Order received: {"orderId":${id}}`);
  expect(t.output(checkout)).toContain('Order passed: {"orderId":10}');
  expect((await t.exited(checkout)).code).toBe(0);

  expectMtls(t);
  topo = undefined;
  await expectCleanStop(t);
});
