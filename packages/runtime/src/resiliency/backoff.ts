/**
 * @module resiliency/backoff
 * Retry schedules with dapr/kit `retry` semantics (on cenkalti/backoff): a constant interval, or an
 * exponential one (each interval is the previous × multiplier, randomised by ± randomizationFactor
 * and capped at maxInterval; the schedule stops once maxElapsedTime has passed). Plus the status
 * matching of a retry policy (`matching.httpStatusCodes` / `gRPCStatusCodes`).
 */

export interface CodeRange {
  readonly start: number;
  readonly end: number;
}

/** A retry policy, validated (spec.ts builds it; durations in ms). */
export interface RetrySpec {
  readonly name: string;
  readonly policy: 'constant' | 'exponential';
  /** The constant interval. */
  readonly durationMs: number;
  readonly initialIntervalMs: number;
  readonly randomizationFactor: number;
  readonly multiplier: number;
  readonly maxIntervalMs: number;
  /** 0 = no limit. */
  readonly maxElapsedTimeMs: number;
  /** -1 = forever. */
  readonly maxRetries: number;
  /** Undefined = every status retries. */
  readonly httpStatusCodes?: readonly CodeRange[];
  readonly grpcStatusCodes?: readonly CodeRange[];
}

/** One run's schedule: next() is the delay before the next retry, or undefined when retries are over. */
export interface Backoff {
  next(): number | undefined;
}

export type Clock = () => number;

/** A fresh schedule for one run of the policy (retries counted from 0). */
export function newBackoff(spec: RetrySpec, now: Clock = Date.now, random: () => number = Math.random): Backoff {
  let retries = 0;
  if (spec.policy === 'constant') {
    return {
      next() {
        if (spec.maxRetries >= 0 && retries >= spec.maxRetries) return undefined;
        retries++;
        return spec.durationMs;
      },
    };
  }
  const started = now();
  let current = spec.initialIntervalMs;
  return {
    next() {
      if (spec.maxRetries >= 0 && retries >= spec.maxRetries) return undefined;
      retries++;
      const delay = randomized(current, spec.randomizationFactor, random());
      // cenkalti/backoff: grow the current interval, not the randomised one, and cap it.
      current = current >= spec.maxIntervalMs / spec.multiplier ? spec.maxIntervalMs : current * spec.multiplier;
      // Stop when the wait would end past maxElapsedTime (counted from the first attempt).
      if (spec.maxElapsedTimeMs > 0 && now() - started + delay > spec.maxElapsedTimeMs) return undefined;
      return delay;
    },
  };
}

/** A value picked uniformly from [interval − f·interval, interval + f·interval]. */
function randomized(interval: number, factor: number, r: number): number {
  if (factor === 0) return interval;
  const delta = factor * interval;
  return interval - delta + r * 2 * delta;
}

/** The codes a `matching` list may name (and the only ones that can ever match). */
export const VALID_HTTP_CODES: CodeRange = Object.freeze({ start: 100, end: 599 });
export const VALID_GRPC_CODES: CodeRange = Object.freeze({ start: 0, end: 16 });

/**
 * Whether a failure with this status is retried by the policy (dapr's statusCodeNeedRetry): a code
 * outside its valid range (HTTP 100-599, gRPC 0-16) never is, with or without a `matching` list.
 */
export function statusNeedsRetry(spec: RetrySpec, status: { httpStatus?: number; grpcCode?: number }): boolean {
  const { httpStatus, grpcCode } = status;
  if (httpStatus !== undefined) return inRange(httpStatus, VALID_HTTP_CODES) && inRanges(httpStatus, spec.httpStatusCodes);
  if (grpcCode !== undefined) return inRange(grpcCode, VALID_GRPC_CODES) && inRanges(grpcCode, spec.grpcStatusCodes);
  return true;
}

function inRange(code: number, r: CodeRange): boolean {
  return code >= r.start && code <= r.end;
}

function inRanges(code: number, ranges: readonly CodeRange[] | undefined): boolean {
  if (ranges === undefined) return true;
  for (const r of ranges) if (inRange(code, r)) return true;
  return false;
}
