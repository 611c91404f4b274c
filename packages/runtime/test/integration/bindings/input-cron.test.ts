/**
 * Scenario: bindings.cron input delivered to a real app through a sidecar. `cron` (no direction) is
 * read because the app answers the OPTIONS probe; `explicit` (direction: input, route /explicit) is
 * read without a probe; `ignored` is not read because OPTIONS /ignored answers 404. Each tick is an
 * empty POST with Content-Type application/json, the timeZone/readTimeUTC metadata as headers and the
 * app token.
 */
import { componentYaml, startApp, startSidecar, stopAll, waitFor, type ReceivedRequest, type Sidecar, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

let app: TestApp;
let sidecar: Sidecar;

beforeAll(async () => {
  app = await startApp((r) => {
    if (r.url === '/ignored' || (r.method === 'OPTIONS' && r.url === '/explicit')) return { status: 404 };
    return { status: 200, body: '' };
  });
  sidecar = await startSidecar({
    appId: 'cron-app',
    appPort: app.port,
    env: { APP_API_TOKEN: 'app-secret' },
    resources: {
      'cron.yaml': componentYaml('cron', 'bindings.cron', { schedule: '@every 1s' }),
      'explicit.yaml': componentYaml('explicit-cron', 'bindings.cron', { schedule: '* * * * * *', direction: 'input', route: '/explicit' }),
      'ignored.yaml': componentYaml('ignored', 'bindings.cron', { schedule: '@every 1s' }),
    },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await stopAll();
});

const requests = (method: string, url: string): ReceivedRequest[] => app.received.filter((r) => r.method === method && r.url === url);

it('probes the routes without an explicit direction', () => {
  expect(requests('OPTIONS', '/cron')).toHaveLength(1);
  expect(requests('OPTIONS', '/ignored')).toHaveLength(1);
  expect(requests('OPTIONS', '/explicit')).toHaveLength(0);
  expect(requests('OPTIONS', '/cron')[0]?.headers['content-type']).toBe('application/json');
});

it('posts each tick to the app', async () => {
  await waitFor('two ticks on /cron and one on /explicit', () => requests('POST', '/cron').length >= 2 && requests('POST', '/explicit').length >= 1, { timeoutMs: 8000 });
  const tick = requests('POST', '/cron')[0] as ReceivedRequest;
  expect(tick.body.length).toBe(0);
  expect(tick.headers['content-type']).toBe('application/json');
  expect(tick.headers.timezone).toBe('Local');
  expect(tick.headers.readtimeutc).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
  expect(tick.headers['dapr-api-token']).toBe('app-secret');
  expect(tick.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
});

it('does not deliver to a route whose OPTIONS probe answered 404', () => {
  // By now /cron has ticked at least twice, so /ignored would have been posted to as well.
  expect(requests('POST', '/ignored')).toHaveLength(0);
});

it('lists the cron bindings as input bindings', async () => {
  const meta = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { components: Array<{ name: string; capabilities?: string[] }> };
  expect(meta.components.find((c) => c.name === 'cron')?.capabilities).toEqual(['INPUT_BINDING']);
  expect(meta.components.find((c) => c.name === 'explicit-cron')?.capabilities).toEqual(['INPUT_BINDING']);
});

it('stops ticking once the sidecar has stopped', async () => {
  await sidecar.stop();
  const count = app.received.length;
  await new Promise((r) => setTimeout(r, 1200));
  expect(app.received.length).toBe(count);
});
