/**
 * @module resiliency/errors
 * What a resiliency policy itself fails with: a per-attempt timeout or a circuit breaker that does
 * not admit the call. These are not DaprErrors: each call site wraps them into its usual error
 * (invoke: ERR_DIRECT_INVOKE "failed to invoke, id: X, err: circuit breaker is open").
 */

export type ResiliencyErrorKind = 'timeout' | 'breaker-open' | 'too-many-requests';

export class ResiliencyError extends Error {
  readonly kind: ResiliencyErrorKind;
  constructor(kind: ResiliencyErrorKind, message: string) {
    super(message);
    this.name = 'ResiliencyError';
    this.kind = kind;
  }
}

/** The per-attempt timeout fired before the operation settled (Go's context.DeadlineExceeded text). */
export class ResiliencyTimeoutError extends ResiliencyError {
  constructor() {
    super('timeout', 'context deadline exceeded');
    this.name = 'ResiliencyTimeoutError';
  }
}

/** The breaker is open, or half-open with every probe slot taken (gobreaker's two errors). */
export class BreakerOpenError extends ResiliencyError {
  constructor(tooManyRequests = false) {
    super(tooManyRequests ? 'too-many-requests' : 'breaker-open', tooManyRequests ? 'too many requests' : 'circuit breaker is open');
    this.name = 'BreakerOpenError';
  }
}

export function isResiliencyError(err: unknown): err is ResiliencyError {
  return err instanceof ResiliencyError;
}
