/// <reference types="jest" />
/**
 * @module contract/pubsub-delivery
 * The pub/sub contract's delivery cases: round trip, several topics, once per message on success,
 * publish order (when the broker promises it), and the handler's verdicts: retry and a thrown error
 * redeliver, drop does not.
 */
import type { PubSubCaseContext } from './pubsub';

const BURST = 20;

export function registerPubSubDeliveryCases(ctx: PubSubCaseContext): void {
  const { add, o, open, topic, until, quiet, recorder } = ctx;

  add('delivers a published message with its topic, bytes and metadata', [], async () => {
    const ps = await open();
    const t = topic('round-trip');
    const rec = recorder();
    await ps.subscribe({ topic: t }, rec.handler);
    const bytes = Buffer.from([0x00, 0x01, 0xff, 0x7b]);
    await ps.publish({ topic: t, data: bytes, metadata: { 'x-contract': 'yes', traceparent: '00-abc-def-01' } });
    await until('the delivery', () => rec.messages.length === 1);
    const got = rec.messages[0];
    expect(got?.topic).toBe(t);
    expect(got?.data.equals(bytes)).toBe(true);
    expect(got?.metadata).toMatchObject({ 'x-contract': 'yes', traceparent: '00-abc-def-01' });
  });

  add('a message published without metadata arrives with its bytes', [], async () => {
    const ps = await open();
    const t = topic('no-metadata');
    const rec = recorder();
    await ps.subscribe({ topic: t }, rec.handler);
    await ps.publish({ topic: t, data: Buffer.from('{"order":1}'), contentType: 'application/json' });
    await until('the delivery', () => rec.messages.length === 1);
    expect(rec.texts()).toEqual(['{"order":1}']);
  });

  add('delivers to each topic only its own messages', [], async () => {
    const ps = await open();
    const [t1, t2, none] = [topic('multi-1'), topic('multi-2'), topic('multi-unsubscribed')];
    const [r1, r2] = [recorder(), recorder()];
    await ps.subscribe({ topic: t1 }, r1.handler);
    await ps.subscribe({ topic: t2 }, r2.handler);
    for (let i = 0; i < 3; i++) {
      await ps.publish({ topic: t1, data: Buffer.from(`one-${i}`) });
      await ps.publish({ topic: t2, data: Buffer.from(`two-${i}`) });
      await ps.publish({ topic: none, data: Buffer.from(`none-${i}`) });
    }
    await until('three messages on each topic', () => r1.messages.length >= 3 && r2.messages.length >= 3);
    await quiet();
    expect(r1.texts().sort()).toEqual(['one-0', 'one-1', 'one-2']);
    expect(r2.texts().sort()).toEqual(['two-0', 'two-1', 'two-2']);
    expect(r1.messages.every((m) => m.topic === t1) && r2.messages.every((m) => m.topic === t2)).toBe(true);
  });

  add(`delivers each of ${BURST} messages once when the handler succeeds`, [], async () => {
    const ps = await open();
    const t = topic('burst');
    const rec = recorder();
    await ps.subscribe({ topic: t }, rec.handler);
    await Promise.all(Array.from({ length: BURST }, (_, i) => ps.publish({ topic: t, data: Buffer.from(`m-${i}`) })));
    await until(`${BURST} deliveries`, () => rec.messages.length >= BURST);
    await quiet();
    expect(rec.texts().sort()).toEqual(Array.from({ length: BURST }, (_, i) => `m-${i}`).sort());
  });

  add(
    'hands a subscriber the messages of a topic in publish order',
    [],
    async () => {
      const ps = await open();
      const t = topic('order');
      const rec = recorder();
      await ps.subscribe({ topic: t }, rec.handler);
      for (let i = 0; i < BURST; i++) await ps.publish({ topic: t, data: Buffer.from(String(i)) });
      await until(`${BURST} deliveries`, () => rec.messages.length >= BURST);
      expect(rec.texts()).toEqual(Array.from({ length: BURST }, (_, i) => String(i)));
    },
    o.ordered ? undefined : 'the broker does not promise order (ordered: false)',
  );

  add('redelivers a message whose handler answers retry, until it succeeds', [], async () => {
    const ps = await open();
    const t = topic('retry');
    const rec = recorder((_, attempt) => (attempt < 3 ? 'retry' : 'success'));
    await ps.subscribe({ topic: t }, rec.handler);
    await ps.publish({ topic: t, data: Buffer.from('again') });
    await until('a third attempt', () => rec.messages.length >= 3);
    await quiet();
    expect(rec.texts()).toEqual(['again', 'again', 'again']);
  });

  add('redelivers a message whose handler throws', [], async () => {
    const ps = await open();
    const t = topic('throws');
    const rec = recorder((_, attempt) => {
      if (attempt === 1) throw new Error('contract suite: simulated handler failure');
      return 'success';
    });
    await ps.subscribe({ topic: t }, rec.handler);
    await ps.publish({ topic: t, data: Buffer.from('boom') });
    await until('a second attempt', () => rec.messages.length >= 2);
    await quiet();
    expect(rec.texts()).toEqual(['boom', 'boom']);
  });

  add('does not redeliver a dropped message, and keeps delivering the next ones', [], async () => {
    const ps = await open();
    const t = topic('drop');
    const rec = recorder((m) => (m.data.toString() === 'dropped' ? 'drop' : 'success'));
    await ps.subscribe({ topic: t }, rec.handler);
    await ps.publish({ topic: t, data: Buffer.from('dropped') });
    await until('the dropped delivery', () => rec.messages.length >= 1);
    await ps.publish({ topic: t, data: Buffer.from('next') });
    await until('the next message', () => rec.texts().includes('next'));
    await quiet();
    expect(rec.texts().sort()).toEqual(['dropped', 'next']);
  });

  add('a retried message does not stop the others of its topic', [], async () => {
    const ps = await open();
    const t = topic('retry-others');
    const rec = recorder((m, attempt) => (m.data.toString() === 'slow' && attempt < 2 ? 'retry' : 'success'));
    await ps.subscribe({ topic: t }, rec.handler);
    for (const text of ['slow', 'a', 'b']) await ps.publish({ topic: t, data: Buffer.from(text) });
    await until('every message to succeed', () => rec.texts().filter((x) => x === 'slow').length >= 2 && rec.texts().includes('a') && rec.texts().includes('b'));
    await quiet();
    expect(rec.texts().sort()).toEqual(['a', 'b', 'slow', 'slow']);
  });
}
