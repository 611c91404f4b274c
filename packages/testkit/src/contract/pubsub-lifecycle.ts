/// <reference types="jest" />
/**
 * @module contract/pubsub-lifecycle
 * The pub/sub contract's lifecycle and optional-feature cases: unsubscribe (per topic, twice),
 * close (no handler runs afterwards), bulk publish (BULK_PUBSUB, else the API layer's fallback of one
 * publish per entry), and message TTL (MESSAGE_TTL).
 */
import type { PubSubCaseContext } from './pubsub';
import { PUBSUB_FEATURE } from './types';

export function registerPubSubLifecycleCases(ctx: PubSubCaseContext): void {
  const { add, open, topic, until, quiet, recorder } = ctx;

  add('unsubscribe stops delivery to that handler; a new subscription gets the later messages', [], async () => {
    const ps = await open();
    const t = topic('unsubscribe');
    const [old, fresh] = [recorder(), recorder()];
    const unsubscribe = await ps.subscribe({ topic: t }, old.handler);
    await ps.publish({ topic: t, data: Buffer.from('1') });
    await until('the first message', () => old.messages.length === 1);
    await unsubscribe();
    await unsubscribe(); // a second call is harmless
    await ps.subscribe({ topic: t }, fresh.handler);
    await ps.publish({ topic: t, data: Buffer.from('2') });
    await until('the second message at the new handler', () => fresh.texts().includes('2'));
    await quiet();
    expect(old.texts()).toEqual(['1']);
  });

  add('unsubscribing one topic leaves another subscribed', [], async () => {
    const ps = await open();
    const [t1, t2] = [topic('unsub-a'), topic('unsub-b')];
    const [a, b] = [recorder(), recorder()];
    const stopA = await ps.subscribe({ topic: t1 }, a.handler);
    await ps.subscribe({ topic: t2 }, b.handler);
    await stopA();
    await ps.publish({ topic: t1, data: Buffer.from('a') });
    await ps.publish({ topic: t2, data: Buffer.from('b') });
    await until('the other topic', () => b.messages.length === 1);
    await quiet();
    expect(a.messages).toEqual([]);
  });

  add('after close() no handler is called again', [], async () => {
    const ps = await open();
    const t = topic('close');
    const rec = recorder();
    await ps.subscribe({ topic: t }, rec.handler);
    await ps.publish({ topic: t, data: Buffer.from('before') });
    await until('the message before close', () => rec.messages.length === 1);
    await ps.close();
    // Publishing on a closed broker may fail or be ignored; either way nothing reaches the handler.
    await ps.publish({ topic: t, data: Buffer.from('after') }).catch(() => undefined);
    await quiet();
    expect(rec.texts()).toEqual(['before']);
  });

  add('bulk publish delivers every entry and reports no failed entries', [PUBSUB_FEATURE.BULK_PUBSUB], async () => {
    const ps = await open();
    const t = topic('bulk');
    const rec = recorder();
    await ps.subscribe({ topic: t }, rec.handler);
    if (typeof ps.bulkPublish !== 'function') throw new Error('the broker claims BULK_PUBSUB but has no bulkPublish()');
    const entries = Array.from({ length: 5 }, (_, i) => ({ entryId: String(i), data: Buffer.from(`e-${i}`), metadata: { n: String(i) } }));
    const res = await ps.bulkPublish({ topic: t, entries });
    expect(res.failedEntries).toEqual([]);
    await until('five deliveries', () => rec.messages.length >= 5);
    expect(rec.texts().sort()).toEqual(entries.map((e) => e.data.toString()).sort());
  });

  add('a batch published one entry at a time in parallel (the bulk fallback) arrives whole', [], async () => {
    const ps = await open();
    const t = topic('bulk-fallback');
    const rec = recorder();
    await ps.subscribe({ topic: t }, rec.handler);
    const texts = Array.from({ length: 10 }, (_, i) => `entry-${i}`);
    await Promise.all(texts.map((text) => ps.publish({ topic: t, data: Buffer.from(text), metadata: { entryId: text } })));
    await until('ten deliveries', () => rec.messages.length >= 10);
    expect(rec.texts().sort()).toEqual([...texts].sort());
    for (const m of rec.messages) expect(m.metadata?.entryId).toBe(m.data.toString());
  });

  add('a message whose ttlInSeconds passed before it was read is not delivered', [PUBSUB_FEATURE.MESSAGE_TTL], async () => {
    const ps = await open();
    const t = topic('ttl');
    await ps.publish({ topic: t, data: Buffer.from('expired'), metadata: { ttlInSeconds: '1' } });
    const published = Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, published + 1500 - Date.now()))); // let the TTL pass
    const rec = recorder();
    await ps.subscribe({ topic: t }, rec.handler);
    await ps.publish({ topic: t, data: Buffer.from('marker') });
    await until('the marker', () => rec.texts().includes('marker'));
    await quiet();
    expect(rec.texts()).not.toContain('expired');
  });

  add('refuses a ttlInSeconds that is not a positive whole number', [PUBSUB_FEATURE.MESSAGE_TTL], async () => {
    const ps = await open();
    for (const ttlInSeconds of ['soon', '1.5', '-5']) {
      await expect(ps.publish({ topic: topic('ttl-bad'), data: Buffer.from('x'), metadata: { ttlInSeconds } })).rejects.toThrow('ttlInSeconds');
    }
  });
}
