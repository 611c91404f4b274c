/**
 * Scenario: input bindings (bindings.cron, one tick a second) under inbound policies, as Dapr's
 * TestInputBindingResiliency counts. The calls of one event share its readTimeUTC header. With
 * `fiveRetries`: `recover` fails the first 3 calls of its first tick, so that tick is posted exactly 4 times;
 * `exhaust` always fails, so every tick is posted exactly 6 times; `created` answers 201, which is
 * not 200, so each tick is posted 6 times as well (daprd: only 200 ends the retries). `plain` has
 * no policy and keeps minidaprd's own loop (3 attempts).
 */
import { componentYaml, startApp, startSidecar, stopAll, waitFor, type Sidecar, type TestApp } from '@minidapr/testkit';
import { resiliencyYaml } from './component-fixtures';

jest.setTimeout(30000);

let app: TestApp;
let sidecar: Sidecar;
/** The first tick seen on `recover` and how often it was posted: only that tick fails (3 times), whatever the interleaving of later ticks. */
let firstTick: string | undefined;
let firstTickCalls = 0;

const cron = (name: string) => componentYaml(name, 'bindings.cron', { schedule: '@every 1s', direction: 'input' });
const inbound = (name: string) => [`      ${name}:`, '        inbound:', '          retry: fiveRetries'].join('\n');

beforeAll(async () => {
  app = await startApp((r) => {
    if (r.url === '/recover') {
      const tick = String(r.headers.readtimeutc);
      firstTick ??= tick;
      return tick === firstTick && ++firstTickCalls <= 3 ? { status: 500 } : { status: 200 };
    }
    if (r.url === '/created') return { status: 201 };
    return { status: 500 };
  });
  sidecar = await startSidecar({
    appId: 'inbound-bindings',
    appPort: app.port,
    resources: {
      'recover.yaml': cron('recover'),
      'exhaust.yaml': cron('exhaust'),
      'created.yaml': cron('created'),
      'plain.yaml': cron('plain'),
      'resiliency.yaml': resiliencyYaml(['    components:', inbound('recover'), inbound('exhaust'), inbound('created')].join('\n')),
    },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await app?.close();
  await stopAll();
});

/** Calls per tick (readTimeUTC) on `route`, in tick order. */
function perTick(route: string): number[] {
  const ticks = new Map<string, number>();
  for (const r of app.received) if (r.method === 'POST' && r.url === route) ticks.set(String(r.headers.readtimeutc), (ticks.get(String(r.headers.readtimeutc)) ?? 0) + 1);
  return [...ticks.keys()].sort().map((k) => ticks.get(k) as number);
}

it('posts each event 1 + N times until it recovers, exactly 6 times when it never does', async () => {
  // Two complete ticks of each (a third has started, so the first two are settled).
  await waitFor('three ticks of every binding', () => ['/recover', '/exhaust', '/created', '/plain'].every((r) => perTick(r).length >= 3), { timeoutMs: 15000 });
  expect(perTick('/recover').slice(0, 2)).toEqual([4, 1]);
  expect(perTick('/exhaust').slice(0, 2)).toEqual([6, 6]);
  expect(perTick('/created').slice(0, 2)).toEqual([6, 6]);
  expect(perTick('/plain').slice(0, 2)).toEqual([3, 3]);
});
