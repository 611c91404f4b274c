/**
 * @module test/support/resiliency
 * Helpers for the resiliency unit tests: a counting fake operation, a manual clock, retry and
 * breaker specs with defaults filled in. (Test code only.)
 */
import type { RetrySpec } from '../../src/resiliency/backoff';
import type { BreakerSpec } from '../../src/resiliency/breaker';
import { DEFAULT_RETRY } from '../../src/resiliency/spec';
import { compileTrip } from '../../src/resiliency/trip';

export function retrySpec(over: Partial<RetrySpec> = {}): RetrySpec {
  return { ...DEFAULT_RETRY, name: 'test', durationMs: 1, ...over };
}

export function breakerSpec(over: Partial<Omit<BreakerSpec, 'trip'>> & { trip?: string } = {}): BreakerSpec {
  const tripSource = over.trip ?? 'consecutiveFailures > 5';
  return { name: 'cb', maxRequests: 1, intervalMs: 0, timeoutMs: 60_000, ...over, tripSource, trip: compileTrip(tripSource) };
}

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public t = 1_000_000) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * An operation that counts its calls and answers from a script: each entry is an Error to throw or a
 * value to resolve; the last entry repeats.
 */
export function counting<T>(...script: Array<T | Error>): { op: (signal: AbortSignal, attempt: number) => Promise<T>; calls: () => number; attempts: number[] } {
  let n = 0;
  const attempts: number[] = [];
  return {
    op: async (_signal, attempt) => {
      const step = script[Math.min(n, script.length - 1)];
      n++;
      attempts.push(attempt);
      if (step instanceof Error) throw step;
      return step as T;
    },
    calls: () => n,
    attempts,
  };
}
