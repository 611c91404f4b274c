import { createInMemoryPubSub } from '.';
import type { Message } from '../contract';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('pubsub.in-memory', () => {
  it('delivers to every subscriber of a topic and stops after unsubscribe', async () => {
    const ps = createInMemoryPubSub(ctx);
    const a: Message[] = [];
    const b: Message[] = [];
    const unsubA = await ps.subscribe({ topic: 'orders' }, async (m) => (a.push(m), 'success'));
    await ps.subscribe({ topic: 'orders' }, async (m) => (b.push(m), 'success'));
    await ps.publish({ topic: 'orders', data: Buffer.from('1') });
    await until(() => a.length === 1 && b.length === 1);
    await unsubA();
    await ps.publish({ topic: 'orders', data: Buffer.from('2') });
    await until(() => b.length === 2);
    expect(a.map((m) => m.data.toString())).toEqual(['1']);
    await ps.close();
  });

  it('redelivers on retry and gives up on drop', async () => {
    const ps = createInMemoryPubSub(ctx);
    let calls = 0;
    await ps.subscribe({ topic: 't' }, async () => (++calls < 3 ? 'retry' : 'success'));
    let drops = 0;
    await ps.subscribe({ topic: 'd' }, async () => (drops++, 'drop'));
    await ps.publish({ topic: 't', data: Buffer.from('x') });
    await ps.publish({ topic: 'd', data: Buffer.from('x') });
    await until(() => calls === 3);
    expect(drops).toBe(1);
    await ps.close();
  });
});
