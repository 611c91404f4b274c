/**
 * @module api/universal/resilient
 * The outbound resiliency policy of a component call (daprd's ComponentOutboundPolicy around every
 * state, secrets, output binding and publish call). The components take no abort signal: when a
 * per-attempt timeout fires, the attempt is abandoned and its late result ignored. Without a policy
 * the operation is called directly, as before.
 */
import type { Category } from '../../components/types';
import { ETagInvalidError, ETagMismatchError } from '../../components/errors';
import { NOOP_RUNNER, type AttemptStatus, type PolicyRunner, type RunOptions } from '../../resiliency/runner';
import type { UniversalContext } from './context';

/** The outbound runner of component `name` (NOOP_RUNNER when no Resiliency is loaded). */
export function outboundRunner(u: UniversalContext, name: string, category: Category): PolicyRunner {
  return u.resiliency?.component(name, category, 'outbound') ?? NOOP_RUNNER;
}

/** Runs `op` under `runner`: directly when no policy applies, else with its timeout, retries and breaker. */
export function runOutbound<T>(runner: PolicyRunner, op: (signal?: AbortSignal) => Promise<T>, opts?: RunOptions<T>): Promise<T> {
  return runner.noop ? op() : runner.run((signal) => op(signal), opts);
}

export function isETagError(err: unknown): boolean {
  return err instanceof ETagMismatchError || err instanceof ETagInvalidError;
}

/** A DaprError thrown by a component describes the request (bad metadata, a bad value): retrying cannot help. */
export function isDaprError(err: unknown): boolean {
  return (err as { name?: unknown } | undefined)?.name === 'DaprError';
}

/** Attempt errors that are never retried: ETag errors (as daprd's PerformBulkStoreOperation) and request errors. */
export function permanentComponentErrors(err: unknown): (AttemptStatus & { permanent?: boolean }) | undefined {
  return isETagError(err) || isDaprError(err) || err instanceof PermanentFailure ? { permanent: true } : undefined;
}

/** An attempt failure that must not be retried and that carries what the caller reports after the run. */
export class PermanentFailure<T> extends Error {
  constructor(readonly value: T) {
    super('permanent failure');
    this.name = 'PermanentFailure';
  }
}

/** An attempt that failed as a whole although it produced an answer (reported once retries are over). */
export class FailedAttempt<T> extends Error {
  constructor(
    readonly value: T,
    message: string,
  ) {
    super(message);
    this.name = 'FailedAttempt';
  }
}
