/**
 * @module resiliency/builtin
 * daprd's built-in service invocation retries (DaprBuiltInServiceRetries): what a call to another app
 * gets when no user policy names it, and how a user policy may override them.
 */
import type { Logger } from '../components/types';
import type { RetrySpec } from './backoff';
import type { PolicyRunner, RetryFilter, RunOptions } from './runner';

export const BUILT_IN_SERVICE_RETRIES = 'DaprBuiltInServiceRetries';

/** Constant, 1 s apart, 3 times. */
export const BUILT_IN_SERVICE_RETRY: RetrySpec = Object.freeze({
  name: BUILT_IN_SERVICE_RETRIES,
  policy: 'constant',
  durationMs: 1000,
  initialIntervalMs: 500,
  randomizationFactor: 0.5,
  multiplier: 1.5,
  maxIntervalMs: 60_000,
  maxElapsedTimeMs: 15 * 60_000,
  maxRetries: 3,
});

/** gRPC UNAVAILABLE and UNAUTHENTICATED: the only failures the built-in retries retry. */
const BUILT_IN_CODES = new Set([14, 16]);
export const builtInFilter: RetryFilter = (status, isResult) => !isResult && status?.permanent !== true && status?.grpcCode !== undefined && BUILT_IN_CODES.has(status.grpcCode);

/** daprd raises an override of a built-in retry policy to at least 3 retries (-1 included). */
export function builtInOverride(name: string, spec: RetrySpec, logger: Logger | undefined): RetrySpec {
  if (!name.startsWith('DaprBuiltIn') || spec.maxRetries >= 3) return spec;
  logger?.warn(`Attempted override of ${name} did not meet minimum retry count, resetting to 3.`);
  return { ...spec, maxRetries: 3 };
}

/** Runs `inner` (the built-in retries) inside each attempt of `outer` (an app with default policies only). */
export function nest(outer: PolicyRunner, inner: PolicyRunner): PolicyRunner {
  return {
    noop: false,
    retries: true,
    timeoutMs: outer.timeoutMs,
    run<T>(op: (signal: AbortSignal, attempt: number) => Promise<T>, opts: RunOptions<T> = {}): Promise<T> {
      return outer.run((signal) => inner.run(op, { signal, errorStatus: opts.errorStatus, dispose: opts.dispose }), opts);
    },
  };
}
