/** PolicyRunner: exact attempt counts for retries, matching, timeouts and an open breaker. */
import { breakerSpec, counting, ManualClock, retrySpec } from '../../test/support/resiliency';
import { CircuitBreaker } from './breaker';
import { BreakerOpenError, ResiliencyTimeoutError } from './errors';
import { createRunner, NOOP_RUNNER, type PolicyParts } from './runner';

const boom = (): Error => new Error('boom');
/** A runner whose waits are recorded instead of slept. */
function recorded(parts: PolicyParts): { run: ReturnType<typeof createRunner>; delays: number[] } {
  const delays: number[] = [];
  return {
    run: createRunner({
      ...parts,
      sleep: async (ms) => {
        delays.push(ms);
      },
    }),
    delays,
  };
}

describe('NOOP_RUNNER', () => {
  it('is what no policy gives, and runs the op once with attempt 1', async () => {
    expect(createRunner({})).toBe(NOOP_RUNNER);
    expect(NOOP_RUNNER).toMatchObject({ noop: true, retries: false, timeoutMs: undefined });
    const f = counting(boom());
    await expect(NOOP_RUNNER.run(f.op)).rejects.toThrow('boom');
    expect(f.calls()).toBe(1);
    expect(f.attempts).toEqual([1]);
  });
});

describe('retries', () => {
  it.each([
    [0, 1],
    [3, 4],
    [5, 6],
  ])('maxRetries %i: the op sees exactly %i calls, then the last error is thrown', async (maxRetries, calls) => {
    const { run, delays } = recorded({ retry: retrySpec({ maxRetries, durationMs: 7 }) });
    expect(run.retries).toBe(maxRetries !== 0);
    const f = counting<string>(new Error('first'), boom());
    await expect(run.run(f.op)).rejects.toThrow(maxRetries === 0 ? 'first' : 'boom');
    expect(f.calls()).toBe(calls);
    expect(f.attempts).toEqual(Array.from({ length: calls }, (_, i) => i + 1));
    expect(delays).toEqual(Array(calls - 1).fill(7));
  });

  it('recovers after 3 failures: 4 calls, the success is returned', async () => {
    const { run } = recorded({ retry: retrySpec({ maxRetries: 5 }) });
    const f = counting<string>(boom(), boom(), boom(), 'ok');
    await expect(run.run(f.op)).resolves.toBe('ok');
    expect(f.calls()).toBe(4);
  });

  it('maxRetries -1 retries until the caller aborts (its reason is thrown)', async () => {
    const run = createRunner({ retry: retrySpec({ maxRetries: -1, durationMs: 1 }) });
    const ac = new AbortController();
    let calls = 0;
    const p = run.run(
      async () => {
        calls++;
        if (calls === 25) ac.abort(new Error('deadline'));
        throw boom();
      },
      { signal: ac.signal },
    );
    await expect(p).rejects.toThrow('deadline');
    expect(calls).toBe(25);
  });

  it('a real constant wait separates attempts', async () => {
    const run = createRunner({ retry: retrySpec({ maxRetries: 2, durationMs: 30 }) });
    const times: number[] = [];
    await expect(
      run.run(async () => {
        times.push(Date.now());
        throw boom();
      }),
    ).rejects.toThrow();
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(25);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(25);
  });

  it('exponential: waits grow by the multiplier (no randomisation) up to maxInterval', async () => {
    const { run, delays } = recorded({ retry: retrySpec({ policy: 'exponential', initialIntervalMs: 10, multiplier: 2, randomizationFactor: 0, maxIntervalMs: 50, maxRetries: 5 }) });
    const f = counting<string>(boom());
    await expect(run.run(f.op)).rejects.toThrow();
    expect(f.calls()).toBe(6);
    expect(delays).toEqual([10, 20, 40, 50, 50]);
  });

  it('onRetry sees attempt 1 for the first retry, the reason and the delay', async () => {
    const { run } = recorded({ retry: retrySpec({ maxRetries: 2, durationMs: 3 }) });
    const seen: Array<[number, string, number]> = [];
    await expect(run.run(counting<string>(boom()).op, { onRetry: (a, r, d) => seen.push([a, (r as Error).message, d]) })).rejects.toThrow();
    expect(seen).toEqual([
      [1, 'boom', 3],
      [2, 'boom', 3],
    ]);
  });

  it('a permanent error is not retried', async () => {
    const { run } = recorded({ retry: retrySpec({ maxRetries: 5 }) });
    const f = counting<string>(boom());
    await expect(run.run(f.op, { errorStatus: () => ({ permanent: true }) })).rejects.toThrow('boom');
    expect(f.calls()).toBe(1);
  });
});

describe('failed results (resultStatus)', () => {
  const status = (r: { code: number }) => (r.code >= 200 && r.code < 400 ? undefined : { httpStatus: r.code });

  it('exhausted retries resolve with the last result (6 calls for 5 retries)', async () => {
    const { run } = recorded({ retry: retrySpec({ maxRetries: 5 }) });
    const f = counting({ code: 500 });
    const disposed: unknown[] = [];
    await expect(run.run(f.op, { resultStatus: status, dispose: (r) => disposed.push(r) })).resolves.toEqual({ code: 500 });
    expect(f.calls()).toBe(6);
    expect(disposed).toHaveLength(5);
  });

  it('a success after failed results is returned', async () => {
    const { run } = recorded({ retry: retrySpec({ maxRetries: 5 }) });
    const f = counting({ code: 503 }, { code: 503 }, { code: 200 });
    await expect(run.run(f.op, { resultStatus: status })).resolves.toEqual({ code: 200 });
    expect(f.calls()).toBe(3);
  });
});

describe('matching', () => {
  const http = retrySpec({ maxRetries: 5, httpStatusCodes: [{ start: 500, end: 500 }, { start: 502, end: 504 }], grpcStatusCodes: [{ start: 2, end: 2 }] });
  const result = (code: number) => ({ code });

  it.each([
    [500, 6],
    [503, 6],
    [501, 1],
    [404, 1],
  ])('HTTP %i with httpStatusCodes "500,502-504": %i calls', async (code, calls) => {
    const { run } = recorded({ retry: http });
    const f = counting(result(code));
    await expect(run.run(f.op, { resultStatus: (r) => ({ httpStatus: r.code }) })).resolves.toEqual(result(code));
    expect(f.calls()).toBe(calls);
  });

  it.each([
    [2, 6],
    [14, 1],
  ])('gRPC code %i with gRPCStatusCodes "2": %i calls', async (grpcCode, calls) => {
    const { run } = recorded({ retry: http });
    const f = counting<string>(boom());
    await expect(run.run(f.op, { errorStatus: () => ({ grpcCode }) })).rejects.toThrow('boom');
    expect(f.calls()).toBe(calls);
  });

  it.each([
    ['HTTP 600', { httpStatus: 600 }],
    ['HTTP 0', { httpStatus: 0 }],
    ['gRPC 17', { grpcCode: 17 }],
  ])('%s: a code outside its valid range is never retried, even without a matching list', async (_label, st) => {
    const { run } = recorded({ retry: retrySpec({ maxRetries: 5 }) });
    const f = counting<string>(boom());
    await expect(run.run(f.op, { errorStatus: () => st })).rejects.toThrow('boom');
    expect(f.calls()).toBe(1);
    const r = counting({ code: 600 });
    await expect(run.run(r.op, { resultStatus: () => st })).resolves.toEqual({ code: 600 });
    expect(r.calls()).toBe(1);
  });

  it('errors without a status (transport, timeout) always retry', async () => {
    const { run } = recorded({ retry: http });
    const f = counting<string>(boom());
    await expect(run.run(f.op)).rejects.toThrow('boom');
    expect(f.calls()).toBe(6);
  });
});

describe('timeouts', () => {
  it('cut a slow attempt: it fails with "context deadline exceeded" and its signal aborts', async () => {
    const run = createRunner({ timeoutMs: 20 });
    expect(run).toMatchObject({ noop: false, retries: false, timeoutMs: 20 });
    let aborted = false;
    const t0 = Date.now();
    const p = run.run(
      (signal) =>
        new Promise<string>((resolve) => {
          signal.addEventListener('abort', () => (aborted = true));
          setTimeout(() => resolve('late'), 500).unref();
        }),
    );
    await expect(p).rejects.toBeInstanceOf(ResiliencyTimeoutError);
    await expect(p).rejects.toThrow('context deadline exceeded');
    expect(Date.now() - t0).toBeLessThan(400);
    expect(aborted).toBe(true);
  });

  it('a timed-out attempt is retried; recovery on the 4th call', async () => {
    const run = createRunner({ timeoutMs: 15, retry: retrySpec({ maxRetries: 5, durationMs: 1 }) });
    let calls = 0;
    const out = await run.run(async () => {
      calls++;
      if (calls <= 3) await new Promise((r) => setTimeout(r, 200));
      return `call ${calls}`;
    });
    expect(out).toBe('call 4');
    expect(calls).toBe(4);
  });

  it('a result that arrives after the timeout is disposed', async () => {
    const run = createRunner({ timeoutMs: 5 });
    const disposed: string[] = [];
    await expect(run.run(() => new Promise<string>((r) => setTimeout(() => r('late'), 30)), { dispose: (v) => disposed.push(v) })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 60));
    expect(disposed).toEqual(['late']);
  });

  it('a fast op is not affected', async () => {
    await expect(createRunner({ timeoutMs: 1000 }).run(async () => 'fast')).resolves.toBe('fast');
  });
});

describe('with a circuit breaker', () => {
  it('trip consecutiveFailures > 15, 3 calls × (1 + 5 retries): the op sees 16 calls, the 4th call fails at once', async () => {
    const breaker = new CircuitBreaker(breakerSpec({ trip: 'consecutiveFailures > 15', timeoutMs: 30_000 }));
    const { run } = recorded({ retry: retrySpec({ maxRetries: 5 }), breaker });
    const f = counting<string>(boom());
    await expect(run.run(f.op)).rejects.toThrow('boom');
    await expect(run.run(f.op)).rejects.toThrow('boom');
    expect(f.calls()).toBe(12);
    // The third call trips the breaker on its 4th attempt; the open breaker ends its retries.
    await expect(run.run(f.op)).rejects.toThrow('circuit breaker is open');
    expect(f.calls()).toBe(16);
    await expect(run.run(f.op)).rejects.toBeInstanceOf(BreakerOpenError);
    expect(f.calls()).toBe(16);
    expect(breaker.state).toBe('open');
  });

  it('failed results count as breaker failures even when matching does not retry them', async () => {
    const breaker = new CircuitBreaker(breakerSpec({ trip: 'consecutiveFailures >= 2' }));
    const { run } = recorded({ retry: retrySpec({ maxRetries: 3, httpStatusCodes: [{ start: 500, end: 500 }] }), breaker });
    const f = counting({ code: 404 });
    const opts = { resultStatus: (r: { code: number }) => ({ httpStatus: r.code }) };
    await expect(run.run(f.op, opts)).resolves.toEqual({ code: 404 });
    await expect(run.run(f.op, opts)).resolves.toEqual({ code: 404 });
    expect(f.calls()).toBe(2);
    await expect(run.run(f.op, opts)).rejects.toThrow('circuit breaker is open');
    expect(f.calls()).toBe(2);
  });

  it('a timeout counts as a breaker failure', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker(breakerSpec({ trip: 'consecutiveFailures > 1' }), { now: clock.now });
    const run = createRunner({ timeoutMs: 5, breaker });
    const slow = () => new Promise<string>((r) => setTimeout(() => r('late'), 50));
    await expect(run.run(slow)).rejects.toThrow('context deadline exceeded');
    await expect(run.run(slow)).rejects.toThrow('context deadline exceeded');
    await expect(run.run(slow)).rejects.toThrow('circuit breaker is open');
  });
});

describe('breaker recovery through the runner', () => {
  it('after the open timeout one probe is let through; its success closes the breaker', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker(breakerSpec({ trip: 'consecutiveFailures > 1', timeoutMs: 5000, maxRequests: 1 }), { now: clock.now });
    const run = createRunner({ breaker });
    const f = counting<string>(boom(), boom(), 'ok');
    await expect(run.run(f.op)).rejects.toThrow('boom');
    await expect(run.run(f.op)).rejects.toThrow('boom');
    await expect(run.run(f.op)).rejects.toThrow('circuit breaker is open');
    clock.advance(5001);
    // Two concurrent calls while half-open: the probe runs, the other is refused.
    let release: () => void = () => undefined;
    const probe = run.run(async () => {
      await new Promise<void>((r) => (release = r));
      return 'probe';
    });
    await expect(run.run(f.op)).rejects.toThrow('too many requests');
    release();
    await expect(probe).resolves.toBe('probe');
    expect(breaker.state).toBe('closed');
    await expect(run.run(f.op)).resolves.toBe('ok');
    expect(f.calls()).toBe(3);
  });
});

describe('a retry as long as the open timeout (real clock)', () => {
  it('always finds the breaker half-open and becomes the probe, even when the failing attempt blocked the event loop', async () => {
    // Node counts a timer from the loop's cached time: an attempt that keeps the loop busy before it
    // fails makes a bare 40 ms timer end early by the breaker's clock. daprd's retry never does.
    const breaker = new CircuitBreaker(breakerSpec({ trip: 'consecutiveFailures >= 1', timeoutMs: 40, maxRequests: 1 }));
    const run = createRunner({ retry: retrySpec({ maxRetries: 4, durationMs: 40 }), breaker });
    let calls = 0;
    const busyThenFail = async (): Promise<string> => {
      calls++;
      const until = Date.now() + 8;
      while (Date.now() < until) {
        // keep the event loop busy in this tick
      }
      throw boom();
    };
    await expect(run.run(busyThenFail)).rejects.toThrow('boom');
    // Every retry was let through as the probe: 1 call + 4 retries, no "circuit breaker is open".
    expect(calls).toBe(5);
  });
});
