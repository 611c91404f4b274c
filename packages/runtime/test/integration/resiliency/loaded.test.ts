/** Scenario: a scoped Resiliency document loads without warnings and shows in /v1.0/metadata and the metrics. */
import { startSidecar, stopAll, waitFor, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

let sidecar: Sidecar;

const doc = (name: string, scopes: string) => `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata:
  name: ${name}
scopes: [${scopes}]
spec:
  policies:
    timeouts:
      general: 5s
    retries:
      retryForever:
        policy: constant
        duration: 5s
        maxRetries: -1
  targets:
    apps:
      order-processor:
        timeout: general
        retry: retryForever
`;

beforeAll(async () => {
  sidecar = await startSidecar({
    appId: 'checkout',
    resources: { 'resiliency.yaml': doc('myresiliency', 'checkout'), 'other.yaml': doc('notmine', 'someone-else') },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
});

it('lists the resource in /v1.0/metadata (not the one scoped to another app)', async () => {
  const body = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as Record<string, unknown>;
  expect(body.resiliencies).toEqual([{ name: 'myresiliency' }]);
  expect(sidecar.process.output()).not.toMatch(/ignores Resiliency/);
});

it('counts it in dapr_resiliency_loaded', async () => {
  let text = '';
  await waitFor('metrics endpoint', async () => {
    text = await (await fetch(`http://127.0.0.1:${sidecar.metricsPort}/metrics`)).text().catch(() => '');
    return text.includes('dapr_resiliency_loaded');
  });
  expect(text).toMatch(/dapr_resiliency_loaded\{name="myresiliency",namespace="",app_id="checkout"\} 1/);
  expect(text).not.toMatch(/notmine/);
});
