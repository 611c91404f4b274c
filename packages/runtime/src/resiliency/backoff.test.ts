/** Backoff schedules (dapr/kit retry on cenkalti/backoff) and status matching. */
import { ManualClock, retrySpec } from '../../test/support/resiliency';
import { newBackoff, statusNeedsRetry } from './backoff';

const drain = (b: ReturnType<typeof newBackoff>, max = 100): number[] => {
  const out: number[] = [];
  for (let d = b.next(); d !== undefined && out.length < max; d = b.next()) out.push(d);
  return out;
};

it('constant: the same interval maxRetries times', () => {
  expect(drain(newBackoff(retrySpec({ durationMs: 250, maxRetries: 3 })))).toEqual([250, 250, 250]);
  expect(drain(newBackoff(retrySpec({ maxRetries: 0 })))).toEqual([]);
  expect(drain(newBackoff(retrySpec({ maxRetries: -1 })), 50)).toHaveLength(50);
});

it('exponential: initial × multiplier each time, capped at maxInterval', () => {
  const spec = retrySpec({ policy: 'exponential', initialIntervalMs: 500, multiplier: 1.5, randomizationFactor: 0, maxIntervalMs: 2000, maxRetries: 6 });
  expect(drain(newBackoff(spec))).toEqual([500, 750, 1125, 1687.5, 2000, 2000]);
});

it('exponential: randomised within ± randomizationFactor', () => {
  const spec = retrySpec({ policy: 'exponential', initialIntervalMs: 1000, multiplier: 2, randomizationFactor: 0.5, maxRetries: 1 });
  expect(drain(newBackoff(spec, Date.now, () => 0))).toEqual([500]);
  expect(drain(newBackoff(spec, Date.now, () => 0.75))).toEqual([1250]);
});

it('exponential: stops once maxElapsedTime has passed', () => {
  const clock = new ManualClock();
  const b = newBackoff(retrySpec({ policy: 'exponential', randomizationFactor: 0, maxRetries: -1, maxElapsedTimeMs: 1000 }), clock.now);
  expect(b.next()).toBe(500);
  clock.advance(200);
  // 200 elapsed + the next wait of 750 ends before 1000.
  expect(b.next()).toBe(750);
  clock.advance(750);
  // 950 elapsed + 1125 would end past 1000.
  expect(b.next()).toBeUndefined();
});

it('matches HTTP statuses and gRPC codes against their own lists; no list = every status', () => {
  const spec = retrySpec({ httpStatusCodes: [{ start: 500, end: 599 }], grpcStatusCodes: [{ start: 1, end: 4 }] });
  expect(statusNeedsRetry(spec, { httpStatus: 503 })).toBe(true);
  expect(statusNeedsRetry(spec, { httpStatus: 404 })).toBe(false);
  expect(statusNeedsRetry(spec, { grpcCode: 4 })).toBe(true);
  expect(statusNeedsRetry(spec, { grpcCode: 14 })).toBe(false);
  expect(statusNeedsRetry(spec, {})).toBe(true);
  expect(statusNeedsRetry(retrySpec(), { httpStatus: 404 })).toBe(true);
  expect(statusNeedsRetry(retrySpec({ httpStatusCodes: [{ start: 500, end: 500 }] }), { grpcCode: 14 })).toBe(true);
});

it('never matches a code outside HTTP 100-599 or gRPC 0-16, with or without a list (daprd)', () => {
  const open = retrySpec();
  const listed = retrySpec({ httpStatusCodes: [{ start: 100, end: 599 }], grpcStatusCodes: [{ start: 0, end: 16 }] });
  for (const spec of [open, listed]) {
    for (const httpStatus of [0, 99, 600, 999, -1]) expect(statusNeedsRetry(spec, { httpStatus })).toBe(false);
    for (const grpcCode of [-1, 17, 100]) expect(statusNeedsRetry(spec, { grpcCode })).toBe(false);
    expect(statusNeedsRetry(spec, { httpStatus: 100 })).toBe(true);
    expect(statusNeedsRetry(spec, { httpStatus: 599 })).toBe(true);
    expect(statusNeedsRetry(spec, { grpcCode: 0 })).toBe(true);
    expect(statusNeedsRetry(spec, { grpcCode: 16 })).toBe(true);
  }
});
