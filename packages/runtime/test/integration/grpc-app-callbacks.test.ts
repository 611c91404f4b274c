/**
 * Scenario (issue 15): a gRPC app (--app-protocol grpc) written with the official SDK's DaprServer
 * in gRPC mode. The sidecar dials the app's AppCallback service: it health-checks it
 * (AppCallbackHealthCheck), asks for its subscriptions (ListTopicSubscriptions: plain, routed by
 * rules, bulk) and delivers to them (OnTopicEvent; bulk through OnBulkTopicEventAlpha1 after
 * OnBulkTopicEvent answers UNIMPLEMENTED), reads the input binding the app names
 * (ListInputBindings → OnBindingEvent), and relays an HTTP caller's invocation (OnInvoke).
 */
import { CommunicationProtocolEnum, DaprPubSubStatusEnum, DaprServer, HttpMethod, LogLevel } from '@dapr/dapr';
import { componentYaml, freePort, startSidecar, stopAll, waitFor, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(60000);

interface Order {
  n: number;
}

let sidecar: Sidecar;
let server: DaprServer;
const plain: Order[] = [];
const big: unknown[] = [];
const small: unknown[] = [];
const bulk: Order[] = [];
const cron: unknown[] = [];
let retried = false;

async function publish(topic: string, body: unknown, contentType = 'application/json'): Promise<void> {
  const r = await fetch(`${sidecar.url}/v1.0/publish/pubsub/${topic}`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  expect(r.status).toBe(204);
}

beforeAll(async () => {
  const appPort = await freePort();
  sidecar = await startSidecar({
    appId: 'grpc-app',
    appPort,
    args: ['--app-protocol', 'grpc', '--enable-app-health-check', '--app-health-probe-interval', '1', '--app-api-token', 'app-tok3n'],
    resources: {
      'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory', {}),
      'cron.yaml': componentYaml('ticks', 'bindings.cron', { schedule: '@every 1s' }),
      'other.yaml': componentYaml('other', 'bindings.cron', { schedule: '@every 1s' }),
    },
    waitFor: 'outbound',
  });
  server = new DaprServer({
    serverHost: '127.0.0.1',
    serverPort: String(appPort),
    communicationProtocol: CommunicationProtocolEnum.GRPC,
    clientOptions: { daprHost: '127.0.0.1', daprPort: String(sidecar.grpcPort), communicationProtocol: CommunicationProtocolEnum.GRPC, logger: { level: LogLevel.Error } },
    logger: { level: LogLevel.Error },
  });
  await server.pubsub.subscribe('pubsub', 'orders', async (data: Order) => {
    plain.push(data);
    if (data.n === 2 && !retried) {
      retried = true;
      return DaprPubSubStatusEnum.RETRY;
    }
    return DaprPubSubStatusEnum.SUCCESS;
  });
  await server.pubsub.subscribeWithOptions('pubsub', 'routed', { route: { rules: [{ match: 'event.type == "big"', path: '/big' }], default: '/small' } });
  server.pubsub.subscribeToRoute('pubsub', 'routed', '/big', async (data: unknown) => void big.push(data));
  server.pubsub.subscribeToRoute('pubsub', 'routed', '/small', async (data: unknown) => void small.push(data));
  await server.pubsub.subscribeBulk('pubsub', 'batched', async (data: Order) => void bulk.push(data), { maxMessagesCount: 3, maxAwaitDurationMs: 200 });
  await server.binding.receive('ticks', async (data: unknown) => void cron.push(data ?? null));
  await server.invoker.listen('ping', async (req) => ({ pong: JSON.parse(String(req.body)) as unknown, query: req.query ?? '' }), { method: HttpMethod.POST });
  await server.start();
  await waitFor('the sidecar to be ready and the three subscriptions listed', async () => {
    const md = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { subscriptions: unknown[] };
    return md.subscriptions.length === 3;
  }, { timeoutMs: 20000 });
});

afterAll(async () => {
  // The sidecar first: its gRPC connection to the app keeps the SDK's HTTP/2 server from closing.
  await sidecar?.stop();
  await server?.stop().catch(() => undefined);
  await stopAll();
});

it('health-checks the app over AppCallbackHealthCheck', async () => {
  await waitFor('the app to be healthy', () => sidecar.process.output().includes('App entered healthy status'), { timeoutMs: 10000 });
  const r = await fetch(`${sidecar.url}/v1.0/healthz`);
  expect(r.status).toBe(204);
});

it('lists the subscriptions ListTopicSubscriptions returned, with their rules and bulk settings', async () => {
  const md = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { subscriptions: Array<{ topic: string; rules: Array<{ match?: string; path: string }>; type: string }>; appConnectionProperties: { protocol: string } };
  expect(md.appConnectionProperties.protocol).toBe('grpc');
  const byTopic = Object.fromEntries(md.subscriptions.map((s) => [s.topic, s]));
  expect(Object.keys(byTopic).sort()).toEqual(['batched', 'orders', 'routed']);
  expect(byTopic.routed?.rules.map((r) => r.match ?? '')).toEqual(['event.type == "big"', '']);
  expect(byTopic.orders?.type).toBe('PROGRAMMATIC');
});

it('delivers events with OnTopicEvent and redelivers on RETRY', async () => {
  await publish('orders', { n: 1 });
  await publish('orders', { n: 2 });
  await waitFor('both orders, the second twice', () => plain.length === 3, { timeoutMs: 10000 });
  expect(plain.map((o) => o.n).sort()).toEqual([1, 2, 2]);
});

it('routes by the subscription rules', async () => {
  const ce = (type: string, n: number) => ({ specversion: '1.0', id: `ce-${n}`, source: 'test', type, datacontenttype: 'application/json', data: { n } });
  await publish('routed', ce('big', 1), 'application/cloudevents+json');
  await publish('routed', ce('small', 2), 'application/cloudevents+json');
  await waitFor('one event on each route', () => big.length === 1 && small.length === 1, { timeoutMs: 10000 });
  expect(big).toEqual([{ n: 1 }]);
  expect(small).toEqual([{ n: 2 }]);
});

it('delivers bulk subscriptions through the Alpha1 bulk callback', async () => {
  await Promise.all([1, 2, 3].map((n) => publish('batched', { n })));
  await waitFor('three bulk entries', () => bulk.length === 3, { timeoutMs: 10000 });
  expect(bulk.map((o) => o.n).sort()).toEqual([1, 2, 3]);
});

it('reads only the input bindings ListInputBindings names and delivers them with OnBindingEvent', async () => {
  await waitFor('a cron tick', () => cron.length >= 1, { timeoutMs: 10000 });
  const out = sidecar.process.output();
  expect(out).toMatch(/reading input binding \\?"ticks\\?" \(bindings\.cron\); events go to OnBindingEvent/);
  expect(out).toMatch(/app does not accept input binding \\?"other\\?": ListInputBindings does not name it/);
});

it('relays an HTTP invocation of the app to OnInvoke', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/invoke/grpc-app/method/ping?x=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hello: 'grpc' }) });
  expect(r.status).toBe(200);
  expect(await r.json()).toEqual({ pong: { hello: 'grpc' }, query: 'x=1' });
});
