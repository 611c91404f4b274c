/// <reference types="jest" />
/**
 * @module conformance/pubsub
 * The pub/sub conformance suite (components-contrib tests/conformance/pubsub, targets.md 4.2) and
 * the subscriber contract / delivery scenarios (targets.md 5.1 and 5.3, see pubsub-contract.case),
 * replayed through real sidecars over HTTP: messages go in through `/v1.0/publish` and come out at
 * a real subscriber app (GET /dapr/subscribe + POST per route). A broker's file starts nothing
 * itself: it passes the component files per app id and what the broker promises, and the suite
 * starts (and stops) the apps and sidecars it needs. Every topic name carries a per-run id.
 */
import { randomBytes } from 'node:crypto';
import { waitFor } from '../wait';
import { call, outcome } from './http';
import { contractSubscriptions, registerContractCases } from './pubsub-contract.case';
import { MESSAGE_COUNT, quiet, sorted, type PubSubConformanceOptions, type SuiteContext } from './pubsub-suite';
import { publish, publishAll, PubSubTopology, type Subscriber } from './pubsub-topology';

export type { PubSubConformanceOptions } from './pubsub-suite';

export function runPubSubConformance(o: PubSubConformanceOptions): void {
  const run = o.runId ?? `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const topic = (name: string): string => `conf-${run}-${name}`;
  const topology = new PubSubTopology(o);
  let main: Subscriber | undefined;
  const deadline = o.deliveryTimeoutMs ?? 30000;

  const addCase = (title: string, fn: () => Promise<void>, skipReason?: string): void => {
    const reason = o.skipAll ? `SKIPPED: ${o.skipAll}` : o.knownFailures?.[title] ? `known failure: ${o.knownFailures[title]}` : skipReason;
    if (reason) it.skip(`${title} (${reason})`, () => undefined);
    else it(title, fn);
  };
  const ctx: SuiteContext = { o, run, topic, topology, main: () => main as Subscriber, addCase, deadline };

  describe(`pubsub conformance: ${o.pubsubName} (${o.componentType})`, () => {
    beforeAll(async () => {
      if (o.skipAll) return;
      main = await topology.subscriber('pubsub-conf-sub', [
        { pubsubname: o.pubsubName, topic: topic('test'), route: '/test' },
        { pubsubname: o.pubsubName, topic: topic('bulksub'), route: '/bulksub', bulkSubscribe: { enabled: true, maxMessagesCount: 5, maxAwaitDurationMs: 500 } },
        { pubsubname: o.pubsubName, topic: topic('multi1'), route: '/multi1' },
        { pubsubname: o.pubsubName, topic: topic('multi2'), route: '/multi2' },
        ...contractSubscriptions(ctx),
      ]);
    }, 60000);

    afterAll(async () => {
      await topology.stop();
    }, 30000);

    describe('components-contrib conformance (4.2)', () => {
      registerConformanceCases(ctx);
    });

    describe('subscriber contract and delivery (5.1, 5.3)', () => {
      registerContractCases(ctx);
    });
  });
}

function registerConformanceCases(ctx: SuiteContext): void {
  const { o, topic, topology, addCase, deadline } = ctx;

  addCase('init and ping: the sidecar loaded the component and reports healthy', async () => {
    const url = ctx.main().sidecar.url;
    expect((await call('GET', `${url}/v1.0/healthz`)).status).toBe(204);
    const meta = (await call('GET', `${url}/v1.0/metadata`)).json as { components?: Array<{ name: string; type: string }> };
    expect(meta.components?.find((c) => c.name === o.pubsubName)).toMatchObject({ name: o.pubsubName, type: o.componentType });
  });

  /**
   * components-contrib's handler: ignores other runs' messages, dedupes redeliveries by sequence,
   * fails the first 2 and every 5th first-time delivery after sleeping 1 s (so messages pile up into
   * a batch), and tracks order only for first deliveries before the first simulated error.
   */
  const contribHandler = (prefix: string) => {
    const state = { processed: new Set<number>(), counter: 0, lastSequence: 0, errorCount: 0, outOfOrder: false, inOrder: true };
    const handler = async (d: { key: string }): Promise<'success' | 'error'> => {
      if (!d.key.startsWith(prefix)) return 'success';
      const sequence = Number(d.key.slice(prefix.length));
      if (state.processed.has(sequence)) return 'success';
      state.counter++;
      if (sequence < state.lastSequence) state.outOfOrder = true;
      state.lastSequence = sequence;
      if (state.errorCount === 0) state.inOrder = state.inOrder && !state.outOfOrder;
      if (state.errorCount < 2 || state.counter % 5 === 0) {
        state.errorCount++;
        await new Promise((r) => setTimeout(r, 1000));
        return 'error';
      }
      state.processed.add(sequence);
      return 'success';
    };
    return { state, handler };
  };

  addCase('subscribe, publish and verify read: every message processed (failures redelivered), in order where claimed', async () => {
    const sub = ctx.main();
    const prefix = `message-${ctx.run}-`;
    const { state, handler } = contribHandler(prefix);
    sub.app.on('/test', handler);
    const url = await topology.publishUrl(sub);
    expect(await publish(url, o.pubsubName, topic('test'), `not-this-run-${ctx.run}`)).toMatchObject({ status: 204 });
    for (let k = 1; k <= MESSAGE_COUNT; k++) {
      expect(await publish(url, o.pubsubName, topic('test'), `${prefix}${k}`)).toMatchObject({ status: 204 });
    }
    await waitFor(`all ${MESSAGE_COUNT} messages processed`, () => state.processed.size === MESSAGE_COUNT, { timeoutMs: deadline });
    expect(state.errorCount).toBeGreaterThanOrEqual(2);
    if (o.checkInOrder) expect(state.inOrder).toBe(true);
    expect(sub.app.undecodable).toEqual([]);
  });

  addCase('bulkSubscribe: the same handler per entry, batches of at most 5, failed entries redelivered', async () => {
    const sub = ctx.main();
    const prefix = `bulk-${ctx.run}-`;
    const { state, handler } = contribHandler(prefix);
    sub.app.on('/bulksub', handler);
    const url = await topology.publishUrl(sub);
    const count = MESSAGE_COUNT + 1; // components-contrib publishes 11 to the bulk topic
    await publishAll(url, o.pubsubName, topic('bulksub'), Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`), { concurrency: 4 });
    await waitFor(`all ${count} bulk messages processed`, () => state.processed.size === count, { timeoutMs: deadline });
    const sizes = sub.app.batches.filter((b) => b.route === '/bulksub').map((b) => b.size);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    expect(sub.app.delivered('/bulksub').length).toBeGreaterThan(count); // the failed entries came back
  });

  addCase('multiple handlers: each handler gets exactly its own topic\'s messages', async () => {
    const sub = ctx.main();
    const url = await topology.publishUrl(sub);
    const sent: Record<string, string[]> = { multi1: [], multi2: [] };
    for (let i = 0; i < MESSAGE_COUNT * 2; i++) {
      const name = i % 2 === 0 ? 'multi1' : 'multi2';
      const key = `${name}-${i}`;
      (sent[name] as string[]).push(key);
      expect(await publish(url, o.pubsubName, topic(name), { key })).toMatchObject({ status: 204 });
    }
    await waitFor('both handlers', () => sub.app.succeeded('/multi1').size >= MESSAGE_COUNT && sub.app.succeeded('/multi2').size >= MESSAGE_COUNT, { timeoutMs: deadline });
    expect(sorted(sub.app.keys('/multi1'))).toEqual(sorted(sent.multi1 as string[]));
    expect(sorted(sub.app.keys('/multi2'))).toEqual(sorted(sent.multi2 as string[]));
  });

  // Two subscribers with their own app ids (and sidecars): stopping one must not disturb the other.
  let stop1: Subscriber | undefined;
  let stop2: Subscriber | undefined;
  const stopSubs = async (): Promise<[Subscriber, Subscriber]> => {
    stop1 ??= await topology.subscriber('pubsub-conf-stop1', [
      { pubsubname: o.pubsubName, topic: topic('stop1'), route: '/stop1' },
      { pubsubname: o.pubsubName, topic: topic('fanout'), route: '/fanout' },
    ]);
    stop2 ??= await topology.subscriber('pubsub-conf-stop2', [
      { pubsubname: o.pubsubName, topic: topic('stop2'), route: '/stop2' },
      { pubsubname: o.pubsubName, topic: topic('fanout'), route: '/fanout' },
    ]);
    return [stop1, stop2];
  };
  let batch = 0;
  /** Publishes MESSAGE_COUNT messages to a topic (through `via`'s broker when it is per process); returns their keys. */
  const sendTo = async (via: Subscriber, name: string): Promise<string[]> => {
    const keys = Array.from({ length: MESSAGE_COUNT }, (_, i) => `${name}-b${batch}-${i}`);
    batch++;
    await publishAll(await topology.publishUrl(via), o.pubsubName, topic(name), keys.map((key) => ({ key })));
    return keys;
  };

  addCase(
    'different app ids each get every message (fan-out across consumer groups)',
    async () => {
      const [s1, s2] = await stopSubs();
      const keys = await sendTo(s1, 'fanout');
      await waitFor('both app ids', () => s1.app.succeeded('/fanout').size >= MESSAGE_COUNT && s2.app.succeeded('/fanout').size >= MESSAGE_COUNT, { timeoutMs: deadline });
      expect(sorted(s1.app.keys('/fanout'))).toEqual(sorted(keys));
      expect(sorted(s2.app.keys('/fanout'))).toEqual(sorted(keys));
    },
    o.perProcessBroker ? 'not applicable: each sidecar process has its own broker' : undefined,
  );

  addCase(
    'replicas of one app id compete: each message goes to exactly one of them',
    async () => {
      const subs = [{ pubsubname: o.pubsubName, topic: topic('replicas'), route: '/replicas' }];
      const r1 = await topology.subscriber('pubsub-conf-replica', subs);
      const r2 = await topology.subscriber('pubsub-conf-replica', subs);
      const keys = await sendTo(r1, 'replicas');
      const all = (): string[] => [...r1.app.keys('/replicas'), ...r2.app.keys('/replicas')];
      await waitFor('every message at one replica', () => new Set(all()).size >= MESSAGE_COUNT, { timeoutMs: deadline });
      await quiet(r1, ['/replicas'], o.quietMs);
      await quiet(r2, ['/replicas'], o.quietMs);
      expect(all().sort()).toEqual([...keys].sort());
      await Promise.all([r1.sidecar.stop(), r2.sidecar.stop()]);
    },
    o.perProcessBroker ? 'not applicable: each sidecar process has its own broker' : undefined,
  );

  addCase('stop subscribers: after each subscriber stops, the remaining one still gets exactly its own messages', async () => {
    const [s1, s2] = await stopSubs();
    // Step 0: both running.
    const k1 = await sendTo(s1, 'stop1');
    const k2 = await sendTo(s2, 'stop2');
    await waitFor('step 0 deliveries', () => s1.app.succeeded('/stop1').size >= MESSAGE_COUNT && s2.app.succeeded('/stop2').size >= MESSAGE_COUNT, { timeoutMs: deadline });
    expect(sorted(s1.app.keys('/stop1'))).toEqual(sorted(k1));
    expect(sorted(s2.app.keys('/stop2'))).toEqual(sorted(k2));

    // Step 1: subscriber 1 stops; subscriber 2 is undisturbed.
    await s1.sidecar.stop();
    const before1 = s1.app.deliveries.length;
    if (!o.perProcessBroker) await sendTo(s2, 'stop1'); // nobody listens: must reach nobody
    const k2b = await sendTo(s2, 'stop2');
    await waitFor('step 1 deliveries', () => s2.app.succeeded('/stop2').size >= MESSAGE_COUNT * 2, { timeoutMs: deadline });
    expect(sorted(s2.app.keys('/stop2'))).toEqual(sorted([...k2, ...k2b]));
    expect(s2.app.keys('/stop1')).toEqual([]);

    // Step 2: subscriber 2 stops too; publishing still succeeds and reaches neither app.
    await s2.sidecar.stop();
    const before2 = s2.app.deliveries.length;
    if (!o.perProcessBroker) {
      await sendTo(s1, 'stop1');
      await sendTo(s2, 'stop2');
    }
    await new Promise((r) => setTimeout(r, o.quietMs));
    expect(s1.app.deliveries.length).toBe(before1);
    expect(s2.app.deliveries.length).toBe(before2);
  });

  addCase('publish without a topic is rejected (404 ERR_TOPIC_NAME_EMPTY)', async () => {
    const url = await topology.publishUrl(ctx.main());
    const r = await call('POST', `${url}/v1.0/publish/${encodeURIComponent(o.pubsubName)}`, { key: 'no-topic' });
    expect(outcome(r)).toMatchObject({ status: 404, errorCode: 'ERR_TOPIC_NAME_EMPTY' });
  });
}
