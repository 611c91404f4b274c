/**
 * compose/hello-dapr-slim without containers, one variant per profile: nodeapp and its sidecar
 * share one namespace; the test (in the root namespace) calls the sidecar's invoke API at the
 * namespace's bridge address, as `curl` on the published port 3500 would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Topology } from '../../../src/netns';
import { expectCleanStop, ROOT, skipReason, startStep, VARIANTS, expectMtls } from './helpers';

jest.setTimeout(90000);
const maybe = skipReason('hello-dapr-slim') ? it.skip : it;

let topo: Topology | undefined;
afterEach(async () => {
  await topo?.stop();
  topo = undefined;
});

maybe.each(VARIANTS)('profile %s: the sidecar invokes nodeapp neworder, by URL and by dapr-app-id header', async (profile, suffix) => {
  topo = await startStep('hello-dapr-slim', [profile]);
  const t = topo;
  const app = `nodeapp-${suffix}`;
  expect(t.plan.groups.map((g) => g.services)).toEqual([['trust-root'], [app, `${app}-dapr`]]);
  // compose started the sidecar only once the app was healthy; the sidecar itself may still be loading.
  const sidecar = `http://${t.address(`${app}-dapr`)}:3500`;
  await t.waitForOutput(`${app}-dapr`, 'dapr initialized', 15000);
  const body = readFileSync(join(ROOT, 'quickstarts/hello-dapr-slim', profile, 'sample.json'), 'utf8');
  const post = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));

  // The SDK variant's server sends the text JSON-encoded; the others as plain text.
  const reply = { status: 200, text: expect.stringContaining('Got a new order! Order ID: 41') };
  expect(await post(`${sidecar}/v1.0/invoke/nodeapp/method/neworder`)).toEqual(reply);
  expect(await post(`${sidecar}/neworder`, { 'dapr-app-id': 'nodeapp' })).toEqual(reply);
  // The line the variant's README shows in the app's log, once per call.
  await t.waitForOutput(app, /(Got a new order! Order ID: 41[\s\S]*){2}/, 5000);

  expectMtls(t);
  topo = undefined;
  await expectCleanStop(t);
});
