/**
 * Scenario (ported from Dapr's app health integration tests, tests/integration/suite/daprd/…
 * apphealth and healthz): --enable-app-health-check with a 1 s interval and threshold 1. While the
 * app's health path answers 503 the sidecar stops delivering pub/sub messages (they stay in the
 * sqlite broker), stops reading the cron input binding, and fails invocations of the app fast with
 * daprd's error; once the app answers 2xx again everything resumes and the message published
 * meanwhile arrives, exactly once.
 */
import { join } from 'node:path';
import { componentYaml, startApp, startSidecar, stopAll, tempDir, waitFor, type ReceivedRequest, type Sidecar, type TestApp, type TempDir } from '@minidapr/testkit';

jest.setTimeout(60000);

const APP_ID = 'health-app';
let healthy = true;
let app: TestApp;
let sidecar: Sidecar;
let data: TempDir;

beforeAll(async () => {
  data = tempDir();
  app = await startApp((r) => {
    if (r.url === '/healthz') return { status: healthy ? 200 : 503 };
    if (r.url === '/dapr/subscribe') return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]) };
    if (r.url === '/hello') return { status: 200, body: 'hi' };
    return { status: 200, body: '' };
  });
  sidecar = await startSidecar({
    appId: APP_ID,
    appPort: app.port,
    args: ['--enable-app-health-check', '--app-health-check-path', '/healthz', '--app-health-probe-interval', '1', '--app-health-probe-timeout', '500', '--app-health-threshold', '1'],
    resources: {
      'pubsub.yaml': componentYaml('pubsub', 'pubsub.sqlite', { connectionString: join(data.path, 'broker.db'), redeliverInterval: '200ms' }),
      'cron.yaml': componentYaml('cron', 'bindings.cron', { schedule: '@every 1s' }),
    },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await stopAll();
  data?.remove();
});

const posts = (url: string): ReceivedRequest[] => app.received.filter((r) => r.method === 'POST' && r.url === url);
const orders = (): string[] => posts('/orders').map((r) => (JSON.parse(r.body.toString('utf8')) as { data: { n: number } }).data.n.toString());

async function publish(n: number): Promise<void> {
  const r = await fetch(`${sidecar.url}/v1.0/publish/pubsub/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n }) });
  expect(r.status).toBe(204);
}

async function invoke(): Promise<{ status: number; body: string }> {
  const r = await fetch(`${sidecar.url}/v1.0/invoke/${APP_ID}/method/hello`);
  return { status: r.status, body: await r.text() };
}

it('delivers messages, binding events and invocations while the app is healthy', async () => {
  // As in daprd, the sidecar is ready once the app port is open; the first probe may still be on its way.
  await waitFor('the first healthy probe', async () => (await invoke()).status === 200, { timeoutMs: 10000 });
  expect(await invoke()).toEqual({ status: 200, body: 'hi' });
  await publish(1);
  await waitFor('message 1 and a cron tick', () => orders().includes('1') && posts('/cron').length >= 1, { timeoutMs: 10000 });
  expect(app.received.some((r) => r.method === 'GET' && r.url === '/healthz')).toBe(true);
});

it('stops deliveries and binding events and fails invocations fast while the app is unhealthy', async () => {
  healthy = false;
  await sidecar.process.waitForOutput('App entered un-healthy status');
  await sidecar.process.waitForOutput('stopped reading 1 input binding(s)');
  const reached = app.received.filter((x) => x.url === '/hello').length;
  const r = await invoke();
  expect(r.status).toBe(500);
  expect(JSON.parse(r.body)).toEqual({ errorCode: 'ERR_DIRECT_INVOKE', message: `failed to invoke, id: ${APP_ID}, err: rpc error: code = Internal desc = app is not in a healthy state` });
  expect(app.received.filter((x) => x.url === '/hello')).toHaveLength(reached); // the call never reached the app
  const ticks = posts('/cron').length;
  await publish(2);
  // Nothing may arrive while unhealthy: watch for longer than two cron periods and a redelivery interval.
  const until = Date.now() + 2500;
  await waitFor('the observation window', () => Date.now() >= until || orders().includes('2') || posts('/cron').length > ticks, { timeoutMs: 5000 });
  expect(orders()).not.toContain('2');
  expect(posts('/cron').length).toBe(ticks);
});

it('resumes everything once the app is healthy again, without losing the message published meanwhile', async () => {
  healthy = true;
  await waitFor('invocations to pass again', async () => (await invoke()).status === 200, { timeoutMs: 10000 });
  await waitFor('message 2 and new cron ticks', () => orders().includes('2') && posts('/cron').length >= 2, { timeoutMs: 10000 });
  await publish(3);
  await waitFor('message 3', () => orders().includes('3'), { timeoutMs: 10000 });
  expect(orders().filter((n) => n === '2')).toHaveLength(1);
  expect(sidecar.process.output()).toContain('App entered healthy status');
});
