/**
 * The pub/sub inbound scenario shared by inbound-pubsub-sqlite and inbound-pubsub-redis (Dapr's
 * TestPubsubSubscriptionResiliency counts): with `fiveRetries` as the pub/sub's inbound policy, a
 * subscriber failing 3 times then succeeding is called exactly 4 times; one that always fails is
 * called exactly 6 times, then the message goes to the dead-letter topic (1 call there); an app
 * asking RETRY twice is called 3 times; a 404 (drop) is not retried. No call comes after that.
 */
import { startApp, startSidecar, stopAll, waitFor, type Sidecar, type TestApp } from '@minidapr/testkit';
import { resiliencyYaml } from './component-fixtures';

export interface InboundPubsubScenario {
  /** Unique per run: topic names carry it (brokers may be shared). */
  runId: string;
  /** The resources besides the Resiliency: a pub/sub component named `pubsub`. */
  resources: () => Record<string, string>;
}

export function inboundPubsubScenario(o: InboundPubsubScenario): void {
  const topic = (name: string) => `${name}-${o.runId}`;
  const subscriptions = [
    { pubsubname: 'pubsub', topic: topic('recover'), route: '/recover' },
    { pubsubname: 'pubsub', topic: topic('exhaust'), route: '/exhaust', deadLetterTopic: topic('dead') },
    { pubsubname: 'pubsub', topic: topic('dead'), route: '/dead' },
    { pubsubname: 'pubsub', topic: topic('ask-retry'), route: '/ask-retry' },
    { pubsubname: 'pubsub', topic: topic('gone'), route: '/gone' },
  ];
  const calls = new Map<string, number>();
  let app: TestApp;
  let sidecar: Sidecar;

  beforeAll(async () => {
    app = await startApp((r) => {
      if (r.method === 'GET' && r.url === '/dapr/subscribe') return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(subscriptions) };
      const n = (calls.get(r.url) ?? 0) + 1;
      calls.set(r.url, n);
      if (r.url === '/recover') return n <= 3 ? { status: 500 } : { body: '' };
      if (r.url === '/exhaust') return { status: 503 };
      if (r.url === '/ask-retry') return { headers: { 'content-type': 'application/json' }, body: n <= 2 ? '{"status":"RETRY"}' : '{"status":"SUCCESS"}' };
      if (r.url === '/gone') return { status: 404 };
      return { body: '' };
    });
    sidecar = await startSidecar({
      appId: 'inbound-subscriber',
      appPort: app.port,
      resources: { ...o.resources(), 'resiliency.yaml': resiliencyYaml('    components:\n      pubsub:\n        inbound:\n          retry: fiveRetries') },
    });
    await waitFor('the subscriptions', async () => {
      const meta = (await (await fetch(`${sidecar.url}/v1.0/metadata`)).json()) as { subscriptions?: unknown[] };
      return (meta.subscriptions?.length ?? 0) >= subscriptions.length;
    });
  });

  afterAll(async () => {
    await sidecar?.stop();
    await app?.close();
    await stopAll();
  });

  const publish = async (name: string) => {
    const r = await fetch(`${sidecar.url}/v1.0/publish/pubsub/${topic(name)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
    expect(r.status).toBe(204);
  };

  it('retries per the inbound policy: 1 + N calls on recovery, 6 then the dead-letter topic on exhaustion', async () => {
    for (const name of ['recover', 'exhaust', 'ask-retry', 'gone']) await publish(name);
    const expected = { '/recover': 4, '/exhaust': 6, '/dead': 1, '/ask-retry': 3, '/gone': 1 };
    const counts = () => Object.fromEntries(Object.keys(expected).map((k) => [k, calls.get(k) ?? 0]));
    await waitFor('every delivery to settle', () => JSON.stringify(counts()) === JSON.stringify(expected), { timeoutMs: 15000 });
    // Nothing further arrives: no broker redelivery, no second round of retries.
    await new Promise((r) => setTimeout(r, 1500));
    expect(counts()).toEqual(expected);
  });
}
