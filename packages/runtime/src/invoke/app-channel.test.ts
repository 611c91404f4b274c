import { AppChannel, ChannelWaitAborted } from './app-channel';

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

  it('drops a waiter whose signal aborts, and hands a released slot to the next one only', async () => {
    const c = channel(1);
    const first = c.tryAcquire();
    const gone = new AbortController();
    const abandoned = c.acquire(gone.signal);
    const kept = c.acquire();
    expect(c.usage).toEqual({ active: 1, waiting: 2 });
    gone.abort();
    await expect(abandoned).rejects.toBeInstanceOf(ChannelWaitAborted);
    expect(c.usage).toEqual({ active: 1, waiting: 1 });
    first?.();
    expect(c.tryAcquire()).toBeUndefined(); // the slot went straight to the waiter, nobody slips in
    (await kept)();
    expect(c.usage).toEqual({ active: 0, waiting: 0 });
    const aborted = new AbortController();
    aborted.abort();
    const hold = c.tryAcquire();
    await expect(c.acquire(aborted.signal)).rejects.toBeInstanceOf(ChannelWaitAborted);
    hold?.();
    expect(c.usage).toEqual({ active: 0, waiting: 0 });
    c.close();
  });
});
