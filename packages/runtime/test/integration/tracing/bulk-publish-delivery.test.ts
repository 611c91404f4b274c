/**
 * Scenario (issue 14, trace correctness): bulk publish and bulk subscribe delivery. Each CloudEvent
 * entry of a bulk publish gets its own PRODUCER span (a child of the API call's span) whose context
 * it carries; a `bulkSubscribe` subscription delivers the entries in one request, and every entry
 * gets its own `pubsub/<topic>` CONSUMER span, a child of its own publisher's span — even when
 * the batch mixes entries of different traces (here a bulk publish and a single publish).
 */
import { componentYaml, startApp, startSidecar, stopAll, tempDir, waitFor, type Sidecar, type TestApp } from '@minidapr/testkit';
import { startZipkinReceiver, tracingConfiguration, type RecordedSpan, type ZipkinReceiver } from './zipkin-receiver';

jest.setTimeout(40000);

interface Batch {
  entries: Array<{ entryId: string; event: { id: string; traceparent?: string; data: unknown } }>;
}

const SUBSCRIPTIONS = [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders', bulkSubscribe: { enabled: true, maxMessagesCount: 3, maxAwaitDurationMs: 5000 } }];

const cfg = tempDir('minidapr-cfg-');
let zipkin: ZipkinReceiver;
let app: TestApp;
let sidecar: Sidecar;

beforeAll(async () => {
  zipkin = await startZipkinReceiver();
  cfg.write({ 'config.yaml': tracingConfiguration(zipkin.url) });
  app = await startApp((r) => {
    if (r.url === '/dapr/subscribe') return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(SUBSCRIPTIONS) };
    if (r.url === '/orders') {
      const batch = JSON.parse(r.body.toString()) as Batch;
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statuses: batch.entries.map((e) => ({ entryId: e.entryId, status: 'SUCCESS' })) }) };
    }
    return { body: '' };
  });
  sidecar = await startSidecar({
    appId: 'orders-app',
    appPort: app.port,
    args: ['--config', `${cfg.path}/config.yaml`],
    resources: { 'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory') },
  });
  await waitFor('the subscription', async () => {
    const m = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { subscriptions?: unknown[] };
    return (m.subscriptions?.length ?? 0) > 0;
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await zipkin?.close();
  await stopAll();
  cfg.remove();
});

const traceIdOf = (r: Response): string => (r.headers.get('traceparent') ?? '').split('-')[1] ?? '';
const spansOf = (traceId: string): RecordedSpan[] => zipkin.spans.filter((s) => s.traceId === traceId);

it('gives each bulk-published entry its own span and links each bulk-delivered entry to its publisher', async () => {
  const bulk = await fetch(`${sidecar.url}/v1.0-alpha1/publish/bulk/pubsub/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      { entryId: 'e1', event: { n: 1 }, contentType: 'application/json' },
      { entryId: 'e2', event: { n: 2 }, contentType: 'application/json' },
    ]),
  });
  expect(bulk.status).toBe(204);
  const single = await fetch(`${sidecar.url}/v1.0/publish/pubsub/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":3}' });
  expect(single.status).toBe(204);
  const bulkTrace = traceIdOf(bulk);
  const singleTrace = traceIdOf(single);
  expect(bulkTrace).toMatch(/^[0-9a-f]{32}$/);
  expect(singleTrace).toMatch(/^[0-9a-f]{32}$/);
  expect(singleTrace).not.toBe(bulkTrace);

  // The bulk trace: the API span, one PRODUCER span per entry, one delivery span per entry.
  const spans = await waitFor('the bulk publish and delivery spans', () => {
    const s = spansOf(bulkTrace);
    return s.length >= 5 && spansOf(singleTrace).length >= 2 ? s : undefined;
  });
  const name = '/v1.0-alpha1/publish/bulk/pubsub/orders';
  const api = spans.find((s) => s.name === name && s.parentId === undefined);
  expect(api?.kind).toBe('PRODUCER');
  expect(api?.tags).toMatchObject({ 'messaging.system': 'pubsub', 'messaging.destination': 'orders', 'dapr.pubsub': 'pubsub', 'dapr.status_code': '204' });
  const entrySpans = spans.filter((s) => s.name === name && s.parentId === api?.id);
  expect(entrySpans).toHaveLength(2);
  for (const e of entrySpans) expect(e.kind).toBe('PRODUCER');
  const deliveries = spans.filter((s) => s.name === 'pubsub/orders');
  expect(deliveries).toHaveLength(2);
  expect(new Set(deliveries.map((d) => d.parentId))).toEqual(new Set(entrySpans.map((e) => e.id)));
  for (const d of deliveries) {
    expect(d.kind).toBe('CONSUMER');
    expect(d.localEndpoint?.serviceName).toBe('orders-app');
    expect(d.tags).toMatchObject({ 'messaging.system': 'pubsub', 'messaging.destination': 'orders', 'messaging.destination.name': 'orders', 'dapr.pubsub': 'pubsub' });
  }

  // The single publish's entry in the same batch is delivered in its own trace.
  const singlePublish = spansOf(singleTrace).find((s) => s.name === '/v1.0/publish/pubsub/orders');
  const singleDelivery = spansOf(singleTrace).find((s) => s.name === 'pubsub/orders');
  expect(singleDelivery?.parentId).toBe(singlePublish?.id);

  // One bulk request with the three entries; each CloudEvent names its own publisher span.
  const requests = app.received.filter((r) => r.url === '/orders');
  expect(requests).toHaveLength(1);
  expect(requests[0]?.headers.traceparent).toBeUndefined(); // one request cannot name several parents (as daprd)
  const batch = JSON.parse(requests[0]?.body.toString() ?? '{}') as Batch;
  expect(batch.entries).toHaveLength(3);
  const carried = batch.entries.map((e) => e.event.traceparent).sort();
  const expected = [...entrySpans.map((e) => `00-${bulkTrace}-${e.id}-01`), `00-${singleTrace}-${singlePublish?.id}-01`].sort();
  expect(carried).toEqual(expected);
});
