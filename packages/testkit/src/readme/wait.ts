// wait_for_stdout_lines / wait_for_stderr_lines: hold the recipe until lines show up, either in a
// background step's own output or, with wait_for_step, in the output of an earlier background step.
import { joinOutputs, lineMatches, missingLines, splitLines, type MatchMode } from './match';
import { formatLines } from './report';
import { stepLabel } from './step';
import type { StepRun } from './step-run';

export interface WaitControl {
  isAborted: () => boolean;
  /** Sleeps, waking up early when the run is aborted. */
  pause: (ms: number) => Promise<void>;
}

const POLL_MS = 50;

/** A background step waits for its own wait_for_* lines (anywhere in its output, any order). */
export async function waitForOwnLines(run: StepRun, control: WaitControl): Promise<boolean> {
  const { step } = run;
  const deadline = Date.now() + step.waitTimeoutSeconds * 1000;
  for (;;) {
    const stdoutLines = joinOutputs(run.commands.map((c) => c.cmd.stdout));
    const stderrLines = joinOutputs(run.commands.map((c) => c.cmd.stderr));
    const missOut = missingLines(step.waitForStdoutLines, stdoutLines, step.outputMatchMode);
    const missErr = missingLines(step.waitForStderrLines, stderrLines, step.outputMatchMode);
    if (missOut.length === 0 && missErr.length === 0) return true;
    if (control.isAborted()) return false;
    const closed = run.commands.every((c) => c.cmd.outputClosed);
    if (closed || Date.now() >= deadline) {
      const why = closed ? "the step's commands exited before printing" : `not seen within wait_timeout_seconds (${step.waitTimeoutSeconds}s)`;
      run.failures.push(waitFailure(`waiting for output failed: ${why}:`, missOut, missErr, run, ''));
      return false;
    }
    await control.pause(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
}

/**
 * A foreground step with wait_for_step waits, before its own commands, for its wait_for_* lines in
 * the output of `target`. Each wanted line takes the first matching line of the target's output that
 * no earlier wait_for_step wait has taken (so waiting twice for a line needs it printed twice); the
 * lines may come in any order. Failures are recorded on the waiting step.
 */
export async function waitForStepLines(run: StepRun, target: StepRun | undefined, control: WaitControl): Promise<boolean> {
  const { step } = run;
  if (!target) {
    run.failures.push(`wait_for_step '${step.waitForStep ?? ''}' does not name a step of this file`);
    return false;
  }
  const label = `step '${stepLabel(target.step)}' (line ${target.step.line})`;
  if (!target.ran) {
    const hint = target.skipReason?.startsWith('not selected') ? '; give this step the same tags as that one' : '';
    run.failures.push(`wait_for_step: ${label} did not run (${target.skipReason ?? 'not run'}), so there is no output to wait for${hint}`);
    return false;
  }
  const deadline = Date.now() + step.waitTimeoutSeconds * 1000;
  for (;;) {
    const out = takeLines(step.waitForStdoutLines, target.commands.map((c) => c.cmd.stdout), target.consumed.stdout, step.outputMatchMode);
    const err = takeLines(step.waitForStderrLines, target.commands.map((c) => c.cmd.stderr), target.consumed.stderr, step.outputMatchMode);
    if (out.missing.length === 0 && err.missing.length === 0) {
      for (const key of out.taken) target.consumed.stdout.add(key);
      for (const key of err.taken) target.consumed.stderr.add(key);
      return true;
    }
    if (control.isAborted()) return false;
    const closed = target.commands.every((c) => c.cmd.outputClosed);
    if (closed || Date.now() >= deadline) {
      const why = closed
        ? `the commands of ${label} exited before printing`
        : `not seen in the output of ${label} within wait_timeout_seconds (${step.waitTimeoutSeconds}s)`;
      run.failures.push(waitFailure(`waiting for output failed: ${why}:`, out.missing, err.missing, target, ` of '${stepLabel(target.step)}'`));
      return false;
    }
    await control.pause(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
}

interface Taken {
  /** `<command>:<line>` keys of the output lines the wanted lines matched. */
  taken: string[];
  missing: string[];
}

/** Matches each wanted line against the first not yet consumed (nor just taken) output line. */
export function takeLines(wanted: readonly string[], outputs: readonly string[], consumed: ReadonlySet<string>, mode: MatchMode): Taken {
  const lines = outputs.map(splitLines);
  const taken: string[] = [];
  const missing: string[] = [];
  for (const want of wanted) {
    let hit: string | undefined;
    for (let c = 0; c < lines.length && hit === undefined; c++) {
      const commandLines = lines[c] ?? [];
      for (let i = 0; i < commandLines.length; i++) {
        const key = `${c}:${i}`;
        if (consumed.has(key) || taken.includes(key)) continue;
        if (lineMatches(want, commandLines[i] ?? '', mode)) {
          hit = key;
          break;
        }
      }
    }
    if (hit === undefined) missing.push(want);
    else taken.push(hit);
  }
  return { taken, missing };
}

function waitFailure(title: string, missOut: readonly string[], missErr: readonly string[], source: StepRun, whose: string): string {
  const lines = [title];
  for (const l of missOut) lines.push(`  missing stdout line: ${JSON.stringify(l)}`);
  for (const l of missErr) lines.push(`  missing stderr line: ${JSON.stringify(l)}`);
  lines.push(`  stdout${whose} so far:`, ...formatLines(source.commands.map((c) => c.cmd.stdout).join(''), '    '));
  lines.push(`  stderr${whose} so far:`, ...formatLines(source.commands.map((c) => c.cmd.stderr).join(''), '    '));
  return lines.join('\n');
}
