/**
 * @module lib/wait
 * Polling with a deadline, an abort signal and a fail-fast check: how `run` waits for the sidecar
 * and the app without fixed sleeps.
 */
import { POLL_INTERVAL_MS } from '../defaults';
import { sleep } from './processes';

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Returns a reason to stop waiting at once (e.g. "the process exited"), or undefined. */
  failFast?: () => string | undefined;
  intervalMs?: number;
}

/** Resolves 'ok' when `probe()` is true, 'timeout', 'aborted', or the failFast reason. */
export async function waitUntil(probe: () => Promise<boolean>, o: WaitOptions): Promise<string> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (o.signal?.aborted) return 'aborted';
    const reason = o.failFast?.();
    if (reason) return reason;
    if (await probe()) return 'ok';
    if (Date.now() >= deadline) return 'timeout';
    await sleep(o.intervalMs ?? POLL_INTERVAL_MS);
  }
}

/** A promise that resolves when the signal aborts (never, without a signal). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
