/// <reference types="jest" />
/**
 * @module conformance/pubsub-contract
 * The subscriber contract and delivery scenarios of Dapr's docs and e2e tests (targets.md 5.1 and
 * 5.3, dapr-http-api.md 6.5): 40 messages per topic, answered SUCCESS / empty / RETRY / 500 /
 * unknown status / DROP / 404, with and without a dead-letter topic, plus raw payloads, routing
 * rules and bulk publish. Every scenario has its own topic and route on the suite's main
 * subscriber; all of them are published at once (in beforeAll), then each case checks its own
 * topic, so the broker's redelivery delays overlap instead of adding up.
 */
import { waitFor } from '../wait';
import type { Behaviour } from './pubsub-app';
import { publishAll, type PublishOptions } from './pubsub-topology';
import { quiet, sorted, type SuiteContext } from './pubsub-suite';

/** Dapr's e2e tests send 40 messages per topic. */
const N = 40;
/** The runtime's MAX_DELIVERY_ATTEMPTS: deliveries of a failing message before it is dead-lettered. */
const ATTEMPTS = 5;

const keysFor = (name: string): string[] => Array.from({ length: N }, (_, i) => `${name}-${i}`);
const indexOf = (key: string): number => Number(key.slice(key.lastIndexOf('-') + 1));

/** The subscriptions the main subscriber declares for these scenarios (route = `/<name>`). */
export function contractSubscriptions(ctx: SuiteContext): unknown[] {
  const name = ctx.o.pubsubName;
  const sub = (topic: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ pubsubname: name, topic: ctx.topic(topic), route: `/${topic}`, ...extra });
  return [
    sub('a'),
    sub('b'),
    sub('c'),
    sub('raw', { metadata: { rawPayload: 'true' } }),
    sub('empty'),
    sub('retry'),
    sub('error'),
    sub('invalid'),
    sub('dl-src', { deadLetterTopic: ctx.topic('dl-dead') }),
    sub('dl-dead'),
    sub('dl-noid', { deadLetterTopic: ctx.topic('dl-noid-dead') }),
    sub('dl-noid-dead'),
    sub('dl-raw', { deadLetterTopic: ctx.topic('dl-raw-dead'), metadata: { rawPayload: 'true' } }),
    sub('dl-raw-dead', { metadata: { rawPayload: 'true' } }),
    sub('drop-src', { deadLetterTopic: ctx.topic('drop-dead') }),
    sub('drop-dead'),
    sub('normal'),
    sub('drop'),
    sub('notfound'),
    sub('nf-src', { deadLetterTopic: ctx.topic('nf-dead') }),
    sub('nf-dead'),
    sub('exhaust'),
    {
      pubsubname: name,
      topic: ctx.topic('routed'),
      routes: {
        rules: [
          { match: 'event.data.kind == "large"', path: '/routed-large' },
          { match: 'event.type == "com.example.special"', path: '/routed-special' },
        ],
        default: '/routed-default',
      },
    },
    { pubsubname: name, topic: ctx.topic('routed-nd'), routes: { rules: [{ match: 'event.data.kind == "large"', path: '/routed-nd' }] } },
    sub('bulk'),
  ];
}

export function registerContractCases(ctx: SuiteContext): void {
  const { o, addCase, deadline } = ctx;
  const pending = new Map<string, Promise<unknown>>();
  let exhaustRecovered = false;

  const app = () => ctx.main().app;
  const send = async (name: string, bodies: unknown[], opts: PublishOptions = {}): Promise<void> => {
    const url = await ctx.topology.publishUrl(ctx.main());
    await publishAll(url, o.pubsubName, ctx.topic(name), bodies, { ...opts, concurrency: 4 });
  };
  const sendKeys = (name: string, opts: PublishOptions = {}): Promise<void> => send(name, keysFor(name).map((key) => ({ key })), opts);
  const routedBodies = (name: string): Array<{ body: unknown; opts: PublishOptions }> =>
    keysFor(name).map((key, i) =>
      i % 3 === 0 ? { body: { key, kind: 'large' }, opts: {} } : i % 3 === 1 ? { body: { key }, opts: { metadata: { 'cloudevent.type': 'com.example.special' } } } : { body: { key }, opts: {} },
    );
  const sendRouted = async (name: string): Promise<void> => {
    const url = await ctx.topology.publishUrl(ctx.main());
    for (const m of routedBodies(name)) await publishAll(url, o.pubsubName, ctx.topic(name), [m.body], m.opts);
  };
  const sendBulk = async (name: string): Promise<void> => {
    const url = await ctx.topology.publishUrl(ctx.main());
    const entries = keysFor(name).map((key, i) => ({ entryId: String(i), event: { key }, contentType: 'application/json' }));
    const res = await fetch(`${url}/v1.0-alpha1/publish/bulk/${encodeURIComponent(o.pubsubName)}/${encodeURIComponent(ctx.topic(name))}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(entries),
    });
    if (res.status !== 204) throw new Error(`bulk publish answered ${res.status}: ${await res.text()}`);
  };

  /** What each scenario publishes (started together in beforeAll; each case awaits its own). */
  const publishers: Record<string, () => Promise<void>> = {
    a: () => sendKeys('a'),
    b: () => sendKeys('b'),
    c: () => sendKeys('c'),
    raw: () => send('raw', keysFor('raw').map((key) => ({ key })), { metadata: { rawPayload: 'true' } }),
    empty: () => sendKeys('empty'),
    retry: () => sendKeys('retry'),
    error: () => sendKeys('error'),
    invalid: () => sendKeys('invalid'),
    'dl-src': () => sendKeys('dl-src'),
    // Passthrough CloudEvents without an `id` (daprd does not add one to a passthrough envelope).
    'dl-noid': () =>
      send(
        'dl-noid',
        keysFor('dl-noid').map((key) => ({ specversion: '1.0', type: 'com.dapr.event.sent', source: 'conformance', datacontenttype: 'application/json', data: { key } })),
        { contentType: 'application/cloudevents+json' },
      ),
    'dl-raw': () => send('dl-raw', keysFor('dl-raw').map((key) => ({ key })), { metadata: { rawPayload: 'true' } }),
    'drop-src': () => Promise.all([sendKeys('drop-src'), sendKeys('normal')]).then(() => undefined),
    drop: () => sendKeys('drop'),
    notfound: () => Promise.all([sendKeys('notfound'), sendKeys('nf-src')]).then(() => undefined),
    exhaust: () => sendKeys('exhaust'),
    routed: () => sendRouted('routed'),
    'routed-nd': () => sendRouted('routed-nd'),
    bulk: () => sendBulk('bulk'),
  };

  beforeAll(() => {
    if (o.skipAll) return;
    const a = app();
    const failTwice = (failure: Behaviour) => (d: { attempt: number }): Behaviour => (d.attempt <= 2 ? failure : 'success');
    const emptyKinds: Behaviour[] = ['empty', 'emptyJson', 'text'];
    a.on('/empty', (d) => emptyKinds[indexOf(d.key) % emptyKinds.length] as Behaviour);
    a.on('/retry', failTwice('retry'));
    a.on('/error', failTwice('error'));
    a.on('/invalid', failTwice('invalid'));
    a.on('/dl-src', 'error');
    a.on('/dl-noid', 'error');
    a.on('/dl-raw', 'error');
    a.on('/drop-src', 'drop');
    a.on('/drop', 'drop');
    a.on('/notfound', 'notFound');
    a.on('/nf-src', 'notFound');
    a.on('/exhaust', () => (exhaustRecovered ? 'success' : 'error'));
    for (const [name, fn] of Object.entries(publishers)) pending.set(name, fn().then(() => undefined, (err: unknown) => err));
  });

  /** Fails the case when its publishes failed. */
  const published = async (name: string): Promise<void> => {
    const err = await pending.get(name);
    if (err) throw err;
  };
  const allSucceeded = (route: string, n = N): Promise<true> =>
    waitFor(`${n} successful deliveries on ${route} (so far: ${app().succeeded(route).size})`, () => app().succeeded(route).size >= n, { timeoutMs: deadline });
  /** Each key delivered exactly once on the route, after a quiet window for late redeliveries. */
  const exactlyOnce = async (route: string, keys: string[]): Promise<void> => {
    await quiet(ctx.main(), [route], o.quietMs);
    expect([...app().keys(route)].sort()).toEqual([...keys].sort());
  };

  addCase('publish and subscribe: topics a, b and c each receive exactly the set sent to them', async () => {
    await Promise.all(['a', 'b', 'c'].map(published));
    for (const t of ['a', 'b', 'c']) await allSucceeded(`/${t}`);
    for (const t of ['a', 'b', 'c']) expect(sorted(app().keys(`/${t}`))).toEqual(sorted(keysFor(t)));
  });

  addCase('raw payload: a rawPayload subscription gets the published bytes in data_base64', async () => {
    await published('raw');
    await allSucceeded('/raw');
    expect(sorted(app().keys('/raw'))).toEqual(sorted(keysFor('raw')));
    const first = app().delivered('/raw')[0];
    expect(first?.event).toMatchObject({ datacontenttype: 'application/octet-stream', topic: ctx.topic('raw'), pubsubname: o.pubsubName });
    expect(first?.headers['content-type']).toBe('application/cloudevents+json');
  });

  addCase('an empty body, an empty JSON object or a non-JSON 2xx body is a success: each message delivered exactly once', async () => {
    await published('empty');
    await allSucceeded('/empty');
    await exactlyOnce('/empty', keysFor('empty'));
  });

  for (const [name, what] of [
    ['retry', '{"status":"RETRY"}'],
    ['error', 'a 500'],
    ['invalid', 'an unknown status string'],
  ] as const) {
    addCase(`${what} is redelivered until the subscriber succeeds: every message delivered`, async () => {
      await published(name);
      await allSucceeded(`/${name}`);
      expect(sorted(app().succeeded(`/${name}`))).toEqual(sorted(keysFor(name)));
      for (const key of keysFor(name)) expect({ key, attempts: app().attemptsOf(`/${name}`, key) >= 3 }).toEqual({ key, attempts: true });
    });
  }

  addCase(`a message still failing after ${ATTEMPTS} attempts goes to the dead-letter topic (and is not redelivered)`, async () => {
    await published('dl-src');
    await allSucceeded('/dl-dead');
    expect(sorted(app().keys('/dl-dead'))).toEqual(sorted(keysFor('dl-src')));
    await quiet(ctx.main(), ['/dl-src'], o.quietMs);
    for (const key of keysFor('dl-src')) expect({ key, attempts: app().attemptsOf('/dl-src', key) }).toEqual({ key, attempts: ATTEMPTS });
  });

  for (const [name, what] of [
    ['dl-noid', 'a passthrough CloudEvent without an id'],
    ['dl-raw', 'a raw payload (its envelope id is new on every delivery)'],
  ] as const) {
    addCase(`${what} still failing after ${ATTEMPTS} attempts goes to the dead-letter topic too`, async () => {
      await published(name);
      await allSucceeded(`/${name}-dead`);
      expect(sorted(app().keys(`/${name}-dead`))).toEqual(sorted(keysFor(name)));
      await quiet(ctx.main(), [`/${name}`], o.quietMs);
      for (const key of keysFor(name)) expect({ key, attempts: app().attemptsOf(`/${name}`, key) }).toEqual({ key, attempts: ATTEMPTS });
    });
  }

  addCase('DROP with a dead-letter topic: every message lands on the dead-letter topic once; another topic is unaffected', async () => {
    await published('drop-src');
    await allSucceeded('/drop-dead');
    await allSucceeded('/normal');
    expect(sorted(app().keys('/drop-dead'))).toEqual(sorted(keysFor('drop-src')));
    expect(sorted(app().keys('/normal'))).toEqual(sorted(keysFor('normal')));
    await exactlyOnce('/drop-src', keysFor('drop-src'));
  });

  addCase('DROP without a dead-letter topic: delivered once, never redelivered', async () => {
    await published('drop');
    await waitFor('every DROP delivery', () => new Set(app().keys('/drop')).size >= N, { timeoutMs: deadline });
    await exactlyOnce('/drop', keysFor('drop'));
  });

  addCase('404: dropped (never redelivered), and copied to the dead-letter topic when there is one', async () => {
    await published('notfound');
    await waitFor('every 404 delivery', () => new Set(app().keys('/notfound')).size >= N, { timeoutMs: deadline });
    await allSucceeded('/nf-dead');
    expect(sorted(app().keys('/nf-dead'))).toEqual(sorted(keysFor('nf-src')));
    await exactlyOnce('/notfound', keysFor('notfound'));
    await exactlyOnce('/nf-src', keysFor('nf-src'));
  });

  addCase(
    o.afterExhaustion === 'dropped'
      ? `exhaustion without a dead-letter topic: ${ATTEMPTS} attempts, then dropped (never delivered)`
      : `exhaustion without a dead-letter topic: redelivery continues past ${ATTEMPTS} attempts, so nothing is lost once the subscriber recovers`,
    async () => {
      await published('exhaust');
      const keys = keysFor('exhaust');
      const atLeast = (n: number) => () => keys.every((k) => app().attemptsOf('/exhaust', k) >= n);
      if (o.afterExhaustion === 'dropped') {
        await waitFor(`${ATTEMPTS} attempts of every message`, atLeast(ATTEMPTS), { timeoutMs: deadline });
        await quiet(ctx.main(), ['/exhaust'], o.quietMs);
        for (const key of keys) expect({ key, attempts: app().attemptsOf('/exhaust', key) }).toEqual({ key, attempts: ATTEMPTS });
        expect(app().succeeded('/exhaust').size).toBe(0);
        return;
      }
      await waitFor(`more than ${ATTEMPTS} attempts of every message`, atLeast(ATTEMPTS + 1), { timeoutMs: deadline });
      expect(app().succeeded('/exhaust').size).toBe(0);
      exhaustRecovered = true;
      await allSucceeded('/exhaust');
      expect(sorted(app().succeeded('/exhaust'))).toEqual(sorted(keys));
    },
  );

  addCase('routing rules: the first matching rule wins, the rest go to the default route', async () => {
    await published('routed');
    const want = (r: number): string[] => keysFor('routed').filter((_, i) => i % 3 === r);
    await allSucceeded('/routed-large', want(0).length);
    await allSucceeded('/routed-special', want(1).length);
    await allSucceeded('/routed-default', want(2).length);
    expect(sorted(app().keys('/routed-large'))).toEqual(sorted(want(0)));
    expect(sorted(app().keys('/routed-special'))).toEqual(sorted(want(1)));
    expect(sorted(app().keys('/routed-default'))).toEqual(sorted(want(2)));
  });

  addCase('routing rules without a default: a message no rule matches is acknowledged and dropped', async () => {
    await published('routed-nd');
    const large = keysFor('routed-nd').filter((_, i) => i % 3 === 0);
    await allSucceeded('/routed-nd', large.length);
    await exactlyOnce('/routed-nd', large);
  });

  addCase('bulk publish and normal subscribe: every entry delivered as its own message', async () => {
    await published('bulk');
    await allSucceeded('/bulk');
    expect(sorted(app().keys('/bulk'))).toEqual(sorted(keysFor('bulk')));
  });

  addCase('the subscriber app received only decodable deliveries', async () => {
    await Promise.all([...pending.keys()].map(published));
    expect(app().undecodable).toEqual([]);
  });
}
