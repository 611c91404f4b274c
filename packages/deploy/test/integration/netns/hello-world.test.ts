/**
 * compose/hello-world without containers: nodeapp and pythonapp with their minidaprd sidecars,
 * each group in its own network namespace; `statestore` is Redis through the forwarder. The
 * sidecars find each other by DNS name (compose/config.yaml), as in Docker.
 */
import type { Topology } from '../../../src/netns';
import { expectCleanStop, skipReason, startStep, expectMtls } from './helpers';

jest.setTimeout(60000);
const maybe = skipReason('hello-world', { redis: true }) ? it.skip : it;

let topo: Topology | undefined;
afterAll(async () => {
  await topo?.stop();
});

maybe('pythonapp sends orders to nodeapp through both sidecars; nodeapp persists them in Redis', async () => {
  topo = await startStep('hello-world');
  const t = topo;
  expect(t.plan.groups.map((g) => g.services)).toEqual([
    ['trust-root'],
    ['nodeapp', 'nodeapp-dapr'],
    ['pythonapp', 'pythonapp-dapr'],
  ]);
  // The lines quickstarts/hello-world/README.md shows.
  await t.waitForOutput('nodeapp', 'Successfully persisted state for Order ID: 1', 30000);
  await t.waitForOutput('nodeapp', 'Successfully persisted state for Order ID: 2', 10000);
  expect(t.output('nodeapp')).toContain('Got a new order! Order ID: 1');
  expect(t.output('pythonapp')).toContain('Order passed: {"orderId":1}');
  expect(t.forwardedConnections('redis')).toBeGreaterThan(0);

  expectMtls(t);
  topo = undefined;
  await expectCleanStop(t);
});
