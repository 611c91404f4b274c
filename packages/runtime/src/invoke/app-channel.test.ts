import { AppChannel } from './app-channel';

const channel = (maxConcurrency: number) => new AppChannel({ protocol: 'http', address: '127.0.0.1', port: 1, maxConcurrency });

describe('AppChannel concurrency slots', () => {
  it('never waits without --app-max-concurrency', async () => {
    const c = channel(0);
    expect(typeof c.tryAcquire()).toBe('function');
    expect(typeof c.tryAcquire()).toBe('function');
    expect(typeof (await c.acquire())).toBe('function');
    c.close();
  });

  it('hands out free slots synchronously and queues the rest in order', async () => {
    const c = channel(1);
    const first = c.tryAcquire();
    expect(first).toBeDefined();
    expect(c.tryAcquire()).toBeUndefined();
    const order: string[] = [];
    const second = c.acquire().then((release) => {
      order.push('second');
      return release;
    });
    const third = c.acquire().then((release) => {
      order.push('third');
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    first?.();
    first?.(); // releasing twice frees one slot only
    const releaseSecond = await second;
    expect(order).toEqual(['second']);
    expect(c.tryAcquire()).toBeUndefined();
    releaseSecond();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect(c.tryAcquire()).toBeDefined();
    c.close();
  });
});
