/**
 * Scenario (issue 14, trace correctness): caller sidecar → callee sidecar → app → the app saves state
 * through its own sidecar with the traceparent it received. Both sidecars export to one Zipkin
 * receiver; the result is ONE trace with Dapr's span names and the right parent/child links.
 */
import { componentYaml, startApp, startSidecar, stopAll, tempDir, waitFor, type Sidecar, type TestApp } from '@minidapr/testkit';
import { startZipkinReceiver, tracingConfiguration, type RecordedSpan, type ZipkinReceiver } from './zipkin-receiver';

jest.setTimeout(40000);

const home = tempDir('minidapr-home-');
const cfg = tempDir('minidapr-cfg-');
let zipkin: ZipkinReceiver;
let ordersApp: TestApp;
let orders: Sidecar;
let checkout: Sidecar;

beforeAll(async () => {
  zipkin = await startZipkinReceiver();
  cfg.write({ 'config.yaml': tracingConfiguration(zipkin.url) });
  const args = ['--config', `${cfg.path}/config.yaml`];
  ordersApp = await startApp(async (r) => {
    const tp = r.headers.traceparent as string;
    const saved = await fetch(`${orders.url}/v1.0/state/statestore`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: tp },
      body: JSON.stringify([{ key: 'order', value: r.body.toString() }]),
    });
    return { status: 200, body: `saved ${saved.status}` };
  });
  orders = await startSidecar({ appId: 'orders', appPort: ordersApp.port, home: home.path, args, resources: { 'state.yaml': componentYaml('statestore', 'state.in-memory') } });
  checkout = await startSidecar({ appId: 'checkout', home: home.path, args });
});

afterAll(async () => {
  await Promise.all([orders?.stop(), checkout?.stop()]);
  await ordersApp?.close();
  await zipkin?.close();
  await stopAll();
  home.remove();
  cfg.remove();
});

it('gives one trace: checkout CLIENT → orders SERVER → orders state CLIENT', async () => {
  const r = await fetch(`${checkout.url}/v1.0/invoke/orders/method/neworder`, { method: 'POST', body: '{"id":1}' });
  expect(r.status).toBe(200);
  expect(await r.text()).toBe('saved 204');
  const traceparent = r.headers.get('traceparent') ?? '';
  expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const traceId = traceparent.split('-')[1];

  const spans = await waitFor('three spans of the trace', () => {
    const s = zipkin.spans.filter((x) => x.traceId === traceId);
    return s.length >= 3 ? s : undefined;
  });
  const byName = (service: string, name: string): RecordedSpan => {
    const s = spans.find((x) => x.localEndpoint?.serviceName === service && x.name === name);
    if (!s) throw new Error(`no span ${service}/${name} in ${JSON.stringify(spans.map((x) => [x.localEndpoint?.serviceName, x.name]))}`);
    return s;
  };
  const client = byName('checkout', 'CallLocal/orders/neworder');
  const server = byName('orders', 'CallLocal/orders/neworder');
  const state = byName('orders', '/v1.0/state/statestore');
  expect(spans).toHaveLength(3);

  expect(client.kind).toBe('CLIENT');
  expect(client.parentId).toBeUndefined();
  expect(client.tags).toMatchObject({ 'rpc.service': 'ServiceInvocation', 'net.peer.name': 'orders', 'dapr.invoke_method': 'neworder', 'dapr.protocol': 'http', 'dapr.status_code': '200', 'dapr.api': 'POST /v1.0/invoke/orders/method/neworder' });
  // The caller's response carries the caller sidecar's span.
  expect(traceparent.split('-')[2]).toBe(client.id);

  expect(server.kind).toBe('SERVER');
  expect(server.parentId).toBe(client.id);
  expect(server.tags).toMatchObject({ 'rpc.service': 'ServiceInvocation', 'dapr.invoke_method': 'neworder', 'dapr.status_code': '200' });
  // The app received the callee sidecar's span as parent.
  expect(ordersApp.received.at(-1)?.headers.traceparent).toBe(`00-${traceId}-${server.id}-01`);

  expect(state.kind).toBe('CLIENT');
  expect(state.parentId).toBe(server.id);
  expect(state.tags).toMatchObject({ 'db.system': 'state', 'db.name': 'statestore', 'db.statement': 'POST /v1.0/state/statestore', 'dapr.status_code': '204' });
});
