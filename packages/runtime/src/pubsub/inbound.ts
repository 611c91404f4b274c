/**
 * @module pubsub/inbound
 * The inbound resiliency policy of a pub/sub component around delivery to the app (daprd's
 * subscription handler runs postman.Deliver under ComponentInboundPolicy): an app answer that means
 * retry (RETRY, an unknown status, a non-2xx other than 404, a transport error) fails the attempt
 * and is retried per the policy; SUCCESS and DROP (404 included) end it. A non-2xx status is what
 * the policy's `matching.httpStatusCodes` sees. Once the policy gives up, the Settler takes the
 * last verdict (exhausted: dead-letter topic, else back to the broker) without minidaprd's own
 * retry counting.
 */
import type { Category } from '../components/types';
import type { Resiliency } from '../resiliency/resiliency';
import { NOOP_RUNNER, type PolicyRunner } from '../resiliency/runner';
import type { Verdict } from './settle';

/** Where delivery code finds the loaded policies (a getter: they are loaded after the deliveries exist). */
export type ResiliencyGetter = () => Resiliency | undefined;

/** The inbound runner of component `name` (NOOP_RUNNER when nothing is loaded or nothing targets it). */
export function inboundRunner(resiliency: ResiliencyGetter | undefined, name: string, category: Category): PolicyRunner {
  return resiliency?.()?.component(name, category, 'inbound') ?? NOOP_RUNNER;
}

/** One delivery attempt's outcome. */
export interface Attempted {
  verdict: Verdict;
  /** The app's HTTP status, when it answered over HTTP. */
  status?: number;
}

/** A retry verdict as an attempt failure (what the runner retries). */
class RetryVerdict extends Error {
  constructor(readonly attempted: Attempted) {
    super(attempted.verdict.reason ?? 'retry');
    this.name = 'RetryVerdict';
  }
}

/** The status `matching` sees: a non-2xx answer's code; none for RETRY answers and transport errors (always retried). */
function statusOf(a: Attempted): { httpStatus?: number } | undefined {
  return a.status !== undefined && (a.status < 200 || a.status > 299) ? { httpStatus: a.status } : undefined;
}

/**
 * Runs `attempt` under `runner` until it is not a retry or the policy gives up; resolves with the
 * last verdict (a timeout or an open breaker is a retry verdict naming it). `signal` stops retrying
 * (shutdown).
 */
export async function deliverUnderPolicy(runner: PolicyRunner, attempt: (signal: AbortSignal) => Promise<Attempted>, signal?: AbortSignal): Promise<Verdict> {
  try {
    const done = await runner.run(
      async (s) => {
        const a = await attempt(s);
        if (a.verdict.result === 'retry') throw new RetryVerdict(a);
        return a;
      },
      { signal, errorStatus: (err) => (err instanceof RetryVerdict ? statusOf(err.attempted) : undefined) },
    );
    return done.verdict;
  } catch (err) {
    if (err instanceof RetryVerdict) return err.attempted.verdict;
    return { result: 'retry', reason: `delivery failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
