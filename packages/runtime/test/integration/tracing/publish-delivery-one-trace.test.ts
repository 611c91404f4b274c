/**
 * Scenario (issue 14, trace correctness): a publish and its delivery to the subscriber app are one
 * trace: the publish API span (PRODUCER) travels in the CloudEvent and is the parent of the
 * delivery span `pubsub/<topic>` (CONSUMER), whose context the app receives.
 */
import { componentYaml, startApp, startSidecar, stopAll, tempDir, waitFor, type Sidecar, type TestApp } from '@minidapr/testkit';
import { startZipkinReceiver, tracingConfiguration, type ZipkinReceiver } from './zipkin-receiver';

jest.setTimeout(40000);

const cfg = tempDir('minidapr-cfg-');
let zipkin: ZipkinReceiver;
let app: TestApp;
let sidecar: Sidecar;

beforeAll(async () => {
  zipkin = await startZipkinReceiver();
  cfg.write({ 'config.yaml': tracingConfiguration(zipkin.url) });
  app = await startApp((r) => {
    if (r.url === '/dapr/subscribe') return { headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]) };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
  });
  sidecar = await startSidecar({
    appId: 'subscriber',
    appPort: app.port,
    args: ['--config', `${cfg.path}/config.yaml`],
    resources: { 'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory') },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await zipkin?.close();
  await stopAll();
  cfg.remove();
});

it('links the delivery to the publish through the CloudEvent', async () => {
  // Subscriptions start in the background once the app listens.
  await waitFor('the subscription', async () => {
    const m = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { subscriptions?: unknown[] };
    return (m.subscriptions?.length ?? 0) > 0;
  });
  const r = await fetch(`${sidecar.url}/v1.0/publish/pubsub/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":7}' });
  expect(r.status).toBe(204);
  const traceId = (r.headers.get('traceparent') ?? '').split('-')[1] ?? '';
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);

  const spans = await waitFor('the publish and delivery spans', () => {
    const s = zipkin.spans.filter((x) => x.traceId === traceId);
    return s.length >= 2 ? s : undefined;
  });
  const publish = spans.find((s) => s.name === '/v1.0/publish/pubsub/orders');
  const delivery = spans.find((s) => s.name === 'pubsub/orders');
  expect(publish?.kind).toBe('PRODUCER');
  expect(publish?.tags).toMatchObject({ 'messaging.system': 'pubsub', 'messaging.destination': 'orders', 'messaging.destination.name': 'orders', 'dapr.pubsub': 'pubsub', 'dapr.status_code': '204' });
  expect(delivery?.kind).toBe('CONSUMER');
  expect(delivery?.parentId).toBe(publish?.id);
  expect(delivery?.localEndpoint?.serviceName).toBe('subscriber');
  expect(delivery?.tags).toMatchObject({ 'messaging.system': 'pubsub', 'messaging.destination': 'orders', 'messaging.destination_kind': 'topic' });

  const received = app.received.find((x) => x.url === '/orders');
  const event = JSON.parse(received?.body.toString() ?? '{}') as { traceparent?: string; traceid?: string };
  expect(event.traceparent).toBe(`00-${traceId}-${publish?.id}-01`);
  expect(event.traceid).toBe(event.traceparent);
  expect(received?.headers.traceparent).toBe(`00-${traceId}-${delivery?.id}-01`);
});
