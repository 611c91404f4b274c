/** CircuitBreaker: gobreaker's state machine on a manual clock. */
import { breakerSpec, ManualClock } from '../../test/support/resiliency';
import { CircuitBreaker, type BreakerState } from './breaker';
import { BreakerOpenError } from './errors';

function setup(over: Parameters<typeof breakerSpec>[0] = {}) {
  const clock = new ManualClock();
  const changes: Array<[BreakerState, BreakerState]> = [];
  const cb = new CircuitBreaker(breakerSpec(over), { now: clock.now, onStateChange: (f, t) => changes.push([f, t]) });
  const fail = () => cb.done(cb.admit(), false);
  const succeed = () => cb.done(cb.admit(), true);
  return { clock, cb, changes, fail, succeed };
}

it('opens after the trip expression holds (default: more than 5 consecutive failures)', () => {
  const { cb, fail, changes } = setup();
  for (let i = 0; i < 5; i++) fail();
  expect(cb.state).toBe('closed');
  fail();
  expect(cb.state).toBe('open');
  expect(changes).toEqual([['closed', 'open']]);
  expect(() => cb.admit()).toThrow(new BreakerOpenError());
  expect(() => cb.admit()).toThrow('circuit breaker is open');
});

it('a success resets the consecutive count', () => {
  const { cb, fail, succeed } = setup({ trip: 'consecutiveFailures > 2' });
  fail();
  fail();
  succeed();
  fail();
  fail();
  expect(cb.state).toBe('closed');
  expect(cb.snapshot()).toEqual({ requests: 5, totalSuccesses: 1, totalFailures: 4, consecutiveSuccesses: 0, consecutiveFailures: 2 });
});

it('goes half-open after the timeout and admits maxRequests probes, refusing more with "too many requests"', () => {
  const { cb, clock, fail } = setup({ trip: 'consecutiveFailures > 0', timeoutMs: 1000, maxRequests: 2 });
  fail();
  clock.advance(999);
  expect(cb.state).toBe('open');
  clock.advance(1);
  expect(cb.state).toBe('half-open');
  const a = cb.admit();
  const b = cb.admit();
  expect(() => cb.admit()).toThrow('too many requests');
  cb.done(a, true);
  expect(cb.state).toBe('half-open');
  cb.done(b, true);
  expect(cb.state).toBe('closed');
  expect(cb.snapshot().requests).toBe(0);
});

it('reopens on any failure while half-open, for another full timeout', () => {
  const { cb, clock, fail, changes } = setup({ trip: 'consecutiveFailures > 0', timeoutMs: 1000, maxRequests: 3 });
  fail();
  clock.advance(1000);
  const probe = cb.admit();
  cb.done(cb.admit(), true);
  cb.done(probe, false);
  expect(cb.state).toBe('open');
  clock.advance(999);
  expect(cb.state).toBe('open');
  clock.advance(1);
  expect(cb.state).toBe('half-open');
  expect(changes).toEqual([
    ['closed', 'open'],
    ['open', 'half-open'],
    ['half-open', 'open'],
    ['open', 'half-open'],
  ]);
});

it('ignores outcomes of requests admitted before a state change', () => {
  const { cb, fail } = setup({ trip: 'consecutiveFailures > 1' });
  const old = cb.admit();
  fail();
  fail();
  expect(cb.state).toBe('open');
  cb.done(old, true);
  expect(cb.state).toBe('open');
});

it('resets the counts every interval while closed; never when the interval is 0', () => {
  const withInterval = setup({ trip: 'totalFailures > 2', intervalMs: 100 });
  withInterval.fail();
  withInterval.fail();
  withInterval.clock.advance(100);
  expect(withInterval.cb.snapshot().totalFailures).toBe(0);
  withInterval.fail();
  withInterval.fail();
  expect(withInterval.cb.state).toBe('closed');
  withInterval.fail();
  expect(withInterval.cb.state).toBe('open');

  const never = setup({ trip: 'totalFailures > 2', intervalMs: 0 });
  never.fail();
  never.fail();
  never.clock.advance(10_000_000);
  never.fail();
  expect(never.cb.state).toBe('open');
});

it('execute() counts a rejection as a failure and passes the value through', async () => {
  const { cb } = setup({ trip: 'consecutiveFailures > 0' });
  await expect(cb.execute(async () => 7)).resolves.toBe(7);
  await expect(cb.execute(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
  await expect(cb.execute(async () => 7)).rejects.toBeInstanceOf(BreakerOpenError);
});
