/** pubsub.in-memory: the shared pub/sub contract, plus what is particular to this broker. */
import { runPubSubContract, waitFor } from '@minidapr/testkit';
import { createInMemoryPubSub } from '.';
import type { Message } from '../contract';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

runPubSubContract({
  name: 'pubsub.in-memory',
  factory: () => createInMemoryPubSub(ctx),
  ordered: true,
  quietMs: 300,
  expectedFeatures: [],
});

describe('pubsub.in-memory', () => {
  it('delivers to every subscriber of a topic in the one instance', async () => {
    const ps = createInMemoryPubSub(ctx);
    const a: Message[] = [];
    const b: Message[] = [];
    await ps.subscribe({ topic: 'orders' }, async (m) => (a.push(m), 'success'));
    await ps.subscribe({ topic: 'orders' }, async (m) => (b.push(m), 'success'));
    await ps.publish({ topic: 'orders', data: Buffer.from('1') });
    await waitFor('both subscribers', () => a.length === 1 && b.length === 1);
    await ps.close();
  });

  it('gives up on a message after five attempts', async () => {
    const ps = createInMemoryPubSub(ctx);
    let calls = 0;
    await ps.subscribe({ topic: 't' }, async () => (calls++, 'retry'));
    await ps.publish({ topic: 't', data: Buffer.from('x') });
    await waitFor('five attempts', () => calls === 5, { timeoutMs: 3000 });
    await new Promise((r) => setTimeout(r, 1000)); // longer than the next backoff step (800 ms)
    expect(calls).toBe(5);
    await ps.close();
  });
});
