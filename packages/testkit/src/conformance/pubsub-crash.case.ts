/// <reference types="jest" />
/**
 * @module conformance/pubsub-crash.case
 * The at-least-once crash check (targets.md item 11) as one jest test per component: runs
 * runCrashScenario, then expects the subscriber's sidecar to have died by SIGKILL half-way and every
 * message to have reached the app before the deadline (duplicates allowed), and prints a summary
 * line `<label>: …`. A component whose backing service is missing registers the test as skipped.
 */
import { DEFAULT_CRASH_DEADLINE_MS, DEFAULT_CRASH_MESSAGES, runCrashScenario, type CrashScenarioOptions } from './pubsub-crash';

export interface CrashCaseOptions extends CrashScenarioOptions {
  /** Starts the summary line, e.g. `crash-redis`. */
  label: string;
  /** Why the test is skipped (from requireServiceSync); the reason is shown in the test name. */
  skip?: string;
}

export function registerCrashCase(o: CrashCaseOptions): void {
  const total = o.messages ?? DEFAULT_CRASH_MESSAGES;
  const killAt = o.killAt ?? Math.floor(total / 2);
  const title = `delivers all ${total.toLocaleString('en-US')} messages after the subscriber sidecar is killed half-way and restarted`;
  (o.skip ? it.skip : it)(`${title}${o.skip ? ` (SKIPPED: ${o.skip})` : ''}`, async () => {
    const r = await runCrashScenario(o);
    expect(r.killedExit.signal).toBe('SIGKILL');
    expect(r.deliveredBeforeKill).toBeGreaterThanOrEqual(killAt);
    expect(r.deliveredBeforeKill).toBeLessThan(total);
    expect(r.missing).toEqual([]);
    expect(r.distinct).toBe(total);
    expect(r.elapsedMs).toBeLessThan(o.deadlineMs ?? DEFAULT_CRASH_DEADLINE_MS);
    process.stdout.write(`${o.label}: ${r.deliveredBeforeKill} before the kill, ${r.duplicates} duplicates, all ${r.distinct} in ${r.elapsedMs} ms\n`);
  });
}
