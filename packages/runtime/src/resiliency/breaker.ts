/**
 * @module resiliency/breaker
 * A circuit breaker with sony/gobreaker's semantics (what Dapr wraps in pkg/resiliency/breaker):
 * closed → open when the trip function says so after a failure; open → half-open once `timeout` has
 * passed; half-open admits `maxRequests` requests, closes after `maxRequests` consecutive successes
 * and reopens on any failure. In the closed state the counts reset every `interval` (0 = never).
 * Outcomes of requests admitted in an earlier generation (before a state change) are ignored.
 */
import { BreakerOpenError } from './errors';

export interface BreakerCounts {
  requests: number;
  totalSuccesses: number;
  totalFailures: number;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
}

export type BreakerState = 'closed' | 'half-open' | 'open';

/** A circuit breaker policy, validated (spec.ts builds it; durations in ms). */
export interface BreakerSpec {
  readonly name: string;
  readonly maxRequests: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** The trip expression as written (for logs). */
  readonly tripSource: string;
  readonly trip: (counts: Readonly<BreakerCounts>) => boolean;
}

export interface BreakerOptions {
  now?: () => number;
  onStateChange?(from: BreakerState, to: BreakerState): void;
}

/** A token for one admitted request: report its outcome with done(). */
export interface BreakerTicket {
  readonly generation: number;
}

export class CircuitBreaker {
  private stateNow: BreakerState = 'closed';
  private generation = 0;
  private counts: BreakerCounts = zeroCounts();
  /** When the current state ends (closed: counts reset; open: half-open); 0 = never. */
  private expiry = 0;
  private readonly now: () => number;

  constructor(
    readonly spec: BreakerSpec,
    private readonly opts: BreakerOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.newGeneration(this.now());
  }

  /** The state as of now (an elapsed open timeout already reads as half-open). */
  get state(): BreakerState {
    this.advance(this.now());
    return this.stateNow;
  }

  /** A copy of the current generation's counts. */
  snapshot(): BreakerCounts {
    this.advance(this.now());
    return { ...this.counts };
  }

  /** Admits a request or throws BreakerOpenError (open, or half-open with every probe slot taken). */
  admit(): BreakerTicket {
    this.advance(this.now());
    if (this.stateNow === 'open') throw new BreakerOpenError();
    if (this.stateNow === 'half-open' && this.counts.requests >= this.spec.maxRequests) throw new BreakerOpenError(true);
    this.counts.requests++;
    return { generation: this.generation };
  }

  /** Reports the outcome of an admitted request. */
  done(ticket: BreakerTicket, success: boolean): void {
    const now = this.now();
    this.advance(now);
    if (ticket.generation !== this.generation) return;
    if (success) this.onSuccess(now);
    else this.onFailure(now);
  }

  /** Runs op through the breaker: the outcome of a rejection counts as a failure. */
  async execute<T>(op: () => Promise<T>): Promise<T> {
    const ticket = this.admit();
    try {
      const value = await op();
      this.done(ticket, true);
      return value;
    } catch (err) {
      this.done(ticket, false);
      throw err;
    }
  }

  private onSuccess(now: number): void {
    const c = this.counts;
    c.totalSuccesses++;
    c.consecutiveSuccesses++;
    c.consecutiveFailures = 0;
    if (this.stateNow === 'half-open' && c.consecutiveSuccesses >= this.spec.maxRequests) this.setState('closed', now);
  }

  private onFailure(now: number): void {
    const c = this.counts;
    c.totalFailures++;
    c.consecutiveFailures++;
    c.consecutiveSuccesses = 0;
    if (this.stateNow === 'half-open' || (this.stateNow === 'closed' && this.spec.trip(c))) this.setState('open', now);
  }

  /** Time-driven transitions: the closed state's interval reset, open → half-open. */
  private advance(now: number): void {
    if (this.expiry === 0 || now < this.expiry) return;
    if (this.stateNow === 'closed') this.newGeneration(now);
    else if (this.stateNow === 'open') this.setState('half-open', now);
  }

  private setState(to: BreakerState, now: number): void {
    const from = this.stateNow;
    if (from === to) return;
    this.stateNow = to;
    this.newGeneration(now);
    this.opts.onStateChange?.(from, to);
  }

  private newGeneration(now: number): void {
    this.generation++;
    this.counts = zeroCounts();
    if (this.stateNow === 'closed') this.expiry = this.spec.intervalMs > 0 ? now + this.spec.intervalMs : 0;
    else if (this.stateNow === 'open') this.expiry = now + this.spec.timeoutMs;
    else this.expiry = 0;
  }
}

function zeroCounts(): BreakerCounts {
  return { requests: 0, totalSuccesses: 0, totalFailures: 0, consecutiveSuccesses: 0, consecutiveFailures: 0 };
}
