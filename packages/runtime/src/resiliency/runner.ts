/**
 * @module resiliency/runner
 * PolicyRunner: runs an operation under a target's policies, in Dapr's order (pkg/resiliency/policy.go):
 * for each attempt the circuit breaker admits it (an open breaker fails at once and ends retrying),
 * the operation runs under the per-attempt timeout, the breaker counts the outcome, then the retry
 * policy decides (matching on the status) whether and when to try again. When retries run out the
 * last result is returned (resultStatus) or the last error thrown.
 */
import { newBackoff, statusNeedsRetry, type Clock, type RetrySpec } from './backoff';
import type { CircuitBreaker } from './breaker';
import { ResiliencyError, ResiliencyTimeoutError } from './errors';

export interface AttemptStatus {
  httpStatus?: number;
  grpcCode?: number;
}

export interface RunOptions<T> {
  /** The caller's cancellation/deadline: aborts the current attempt and stops retrying. */
  signal?: AbortSignal;
  /**
   * A resolved attempt that is still a failure (an app answering 500) returns its status; undefined
   * = success. The breaker counts it as a failure (as daprd does with its CodeError); it is retried
   * when a retry policy applies and its `matching` allows the status. When retries are exhausted (or
   * the status does not match), run() RESOLVES with this last result.
   */
  resultStatus?(result: T): AttemptStatus | undefined;
  /** A rejected attempt: its status for `matching`; `permanent: true` = never retry (e.g. a request body already streamed). */
  errorStatus?(err: unknown): (AttemptStatus & { permanent?: boolean }) | undefined;
  /** Before each retry (attempt = 1 for the first retry): logging and tracing. */
  onRetry?(attempt: number, reason: unknown, delayMs: number): void;
  /**
   * A result run() does not return: a failed result replaced by a retry, or one that arrived after
   * its attempt timed out. Release what it holds (an HTTP response to drain) here.
   */
  dispose?(result: T): void;
}

export interface PolicyRunner {
  /** True when no timeout, retry or breaker applies: run(op) is just op(signal). Callers on hot paths skip run() then. */
  readonly noop: boolean;
  /** True when a retry policy (user or built-in) applies: callers must make the request replayable (buffer the body) or mark streamed attempts permanent. */
  readonly retries: boolean;
  /** Per-attempt timeout in ms (undefined = none). */
  readonly timeoutMs?: number;
  /** Runs op under the policies; `attempt` counts from 1 (Dapr's GetAttempt). */
  run<T>(op: (signal: AbortSignal, attempt: number) => Promise<T>, opts?: RunOptions<T>): Promise<T>;
}

/** What a runner reports to metrics and logs (resiliency.ts binds it to the target; breakers report their own state changes). */
export interface RunnerHooks {
  /** A run begins (dapr_resiliency_count for each policy). */
  started?(): void;
  /** The run's first retry is about to happen, or its first timeout fired (daprd counts each once per run). */
  activated?(policy: 'retry' | 'timeout'): void;
  /** The run's first retry is about to happen (daprd logs one warning per run, not per retry). */
  retrying?(delayMs: number, reason: unknown): void;
  /** A run that retried has succeeded. */
  recovered?(attempts: number): void;
}

/** Which failures a retry policy may retry at all (the built-in service retries narrow it to transport errors). */
export type RetryFilter = (status: (AttemptStatus & { permanent?: boolean }) | undefined, isResult: boolean) => boolean;

export interface PolicyParts {
  timeoutMs?: number;
  retry?: RetrySpec;
  breaker?: CircuitBreaker;
  /** Extra condition on top of the retry policy's matching. */
  retryFilter?: RetryFilter;
  hooks?: RunnerHooks;
  clock?: Clock;
  /** For tests: the delay between retries (default setTimeout, aborted by the caller's signal). */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

const NEVER_ABORTED = new AbortController().signal;

/** The runner when nothing applies: one attempt, no wrapping. */
export const NOOP_RUNNER: PolicyRunner = Object.freeze({
  noop: true,
  retries: false,
  timeoutMs: undefined,
  run<T>(op: (signal: AbortSignal, attempt: number) => Promise<T>, opts?: RunOptions<T>): Promise<T> {
    return op(opts?.signal ?? NEVER_ABORTED, 1);
  },
});

/** A runner for the given policies (NOOP_RUNNER when there are none). */
export function createRunner(parts: PolicyParts): PolicyRunner {
  if (parts.timeoutMs === undefined && parts.retry === undefined && parts.breaker === undefined) return NOOP_RUNNER;
  return new Runner(parts);
}

type Status = (AttemptStatus & { permanent?: boolean }) | undefined;
/** One attempt's outcome; `status` set when it failed with (or resolved to) a known status. */
type Outcome<T> = { ok: true; value: T; status: Status } | { ok: false; error: unknown; status?: undefined };

class Runner implements PolicyRunner {
  readonly noop = false;
  readonly retries: boolean;
  readonly timeoutMs?: number;

  constructor(private readonly parts: PolicyParts) {
    this.retries = parts.retry !== undefined && parts.retry.maxRetries !== 0;
    this.timeoutMs = parts.timeoutMs;
  }

  async run<T>(op: (signal: AbortSignal, attempt: number) => Promise<T>, opts: RunOptions<T> = {}): Promise<T> {
    const { retry, retryFilter, hooks } = this.parts;
    hooks?.started?.();
    const backoff = retry ? newBackoff(retry, this.parts.clock) : undefined;
    const signal = opts.signal;
    let retried = false;
    let timedOut = false;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      const outcome = await this.attempt(op, attempt, opts);
      let status: Status;
      if (outcome.ok) {
        if (outcome.status === undefined) {
          if (retried) hooks?.recovered?.(attempt);
          return outcome.value;
        }
        status = outcome.status;
      } else {
        if (!timedOut && outcome.error instanceof ResiliencyTimeoutError) {
          timedOut = true;
          hooks?.activated?.('timeout');
        }
        // An open breaker ends the run at once (daprd makes its error permanent).
        if (outcome.error instanceof ResiliencyError && outcome.error.kind !== 'timeout') throw outcome.error;
        status = opts.errorStatus?.(outcome.error);
      }
      const retryable =
        backoff !== undefined &&
        retry !== undefined &&
        status?.permanent !== true &&
        (status === undefined || statusNeedsRetry(retry, status)) &&
        (retryFilter === undefined || retryFilter(status, outcome.ok));
      // Like backoff.WithContext: a failure that would be retried ends with the caller's abort.
      if (retryable && signal?.aborted) throw abortReason(signal);
      const delay = retryable ? backoff.next() : undefined;
      if (delay === undefined) {
        if (outcome.ok) return outcome.value;
        throw outcome.error;
      }
      const reason = outcome.ok ? status : outcome.error;
      if (!retried) {
        retried = true;
        hooks?.activated?.('retry');
        hooks?.retrying?.(delay, reason);
      }
      opts.onRetry?.(attempt, reason, delay);
      if (outcome.ok) opts.dispose?.(outcome.value);
      await (this.parts.sleep ?? sleep)(delay, signal);
      if (signal?.aborted) throw abortReason(signal);
    }
  }

  /** One attempt: breaker admission, the op under the timeout, the breaker told the outcome. */
  private async attempt<T>(op: (signal: AbortSignal, attempt: number) => Promise<T>, attempt: number, opts: RunOptions<T>): Promise<Outcome<T>> {
    const { breaker } = this.parts;
    let ticket;
    if (breaker) {
      try {
        ticket = breaker.admit();
      } catch (error) {
        return { ok: false, error };
      }
    }
    const outcome = await this.timed(op, attempt, opts);
    if (breaker && ticket) breaker.done(ticket, outcome.ok && outcome.status === undefined);
    return outcome;
  }

  private async timed<T>(op: (signal: AbortSignal, attempt: number) => Promise<T>, attempt: number, opts: RunOptions<T>): Promise<Outcome<T>> {
    const { timeoutMs } = this.parts;
    const outer = opts.signal;
    if (timeoutMs === undefined) {
      try {
        const value = await op(outer ?? NEVER_ABORTED, attempt);
        return { ok: true, value, status: opts.resultStatus?.(value) };
      } catch (error) {
        return { ok: false, error };
      }
    }
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<Outcome<T>>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        const error = new ResiliencyTimeoutError();
        ac.abort(error);
        resolve({ ok: false, error });
      }, timeoutMs);
    });
    const running = op(ac.signal, attempt).then(
      (value): Outcome<T> => {
        if (timedOut) opts.dispose?.(value);
        return { ok: true, value, status: timedOut ? undefined : opts.resultStatus?.(value) };
      },
      (error: unknown): Outcome<T> => ({ ok: false, error }),
    );
    try {
      return await Promise.race([running, deadline]);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('operation aborted');
}

/**
 * Waits until the wall clock is past `ms` from now. Node counts a timer from the event loop's cached
 * time, which can lag Date.now() by the work done in the current tick, so a bare setTimeout may end
 * a few ms early by the clock the breaker uses. A retry must not come before a deadline set just
 * before it (an open breaker's timeout of the same length): in daprd that retry always finds the
 * breaker half-open and is let through as the probe, it never gets "circuit breaker is open".
 */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const arm = (): void => {
      const left = until - Date.now();
      if (left < 0) done();
      else timer = setTimeout(arm, left + 1);
    };
    arm();
    signal?.addEventListener('abort', done, { once: true });
  });
}
