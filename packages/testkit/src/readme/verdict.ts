// The verdict on each step (PASS / FAIL / SKIP) and the result of a whole run.
import type { CommandResult } from './exec';
import { findForbiddenLines, joinOutputs, matchExpectedLines } from './match';
import type { CodeBlock, ReadmeWarning, Step } from './step';
import { checkReturnCode, type StepRun } from './step-run';

export type StepStatus = 'PASS' | 'FAIL' | 'SKIP';

export interface CommandReport {
  block: CodeBlock;
  result: CommandResult | undefined;
  stdout: string;
  stderr: string;
}

export interface StepResult {
  step: Step;
  status: StepStatus;
  durationSeconds: number;
  /** Why the step failed (empty when it passed). */
  failures: string[];
  /** Informational remarks (e.g. a timeout accepted because expected_return_code is null). */
  notes: string[];
  skipReason?: string;
  commands: CommandReport[];
  /** Output of all the step's commands, concatenated. */
  stdout: string;
  stderr: string;
}

export interface RunReadmeResult {
  file: string;
  success: boolean;
  /** The run was aborted through `signal`. */
  interrupted: boolean;
  steps: StepResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** The text printed at the end (failure details, per-step timing, `N passed, N failed`). */
  report: string;
  verbose: boolean;
  /** Parse warnings of the README (things mechanical-markdown accepts that are probably mistakes). */
  warnings: ReadmeWarning[];
}

/** Judges a step once everything has stopped: return codes of background commands, expected and forbidden lines. */
export function validateRun(run: StepRun): StepResult {
  const { step } = run;
  const commands: CommandReport[] = run.commands.map(({ block, cmd }) => ({ block, result: cmd.result, stdout: cmd.stdout, stderr: cmd.stderr }));
  const stdout = commands.map((c) => c.stdout).join('');
  const stderr = commands.map((c) => c.stderr).join('');
  const base = { step, commands, stdout, stderr, notes: run.notes };
  if (!run.ran) {
    return { ...base, status: 'SKIP', durationSeconds: 0, failures: [], ...(run.skipReason !== undefined ? { skipReason: run.skipReason } : {}) };
  }
  const failures = [...run.failures];
  const ended = Math.max(run.phaseEndedAt, ...commands.map((c, i) => run.commands[i]?.cmd.endedAt ?? 0));
  const durationSeconds = Math.max(0, ended - run.startedAt) / 1000;

  if (step.background) {
    for (const [i, c] of commands.entries()) {
      const r = c.result;
      if (!r) continue;
      const where = `command ${i + 1} (line ${c.block.line})`;
      if (r.terminated) {
        run.notes.push(`${where} was still running and was terminated because the run stopped early; its return code is not checked`);
        continue;
      }
      const failure = checkReturnCode(run, where, r);
      if (failure !== null) failures.push(failure);
    }
  }

  const outputs = {
    stdout: joinOutputs(commands.map((c) => c.stdout)),
    stderr: joinOutputs(commands.map((c) => c.stderr)),
  };
  const checks = [
    { stream: 'stdout' as const, expected: step.expectedStdoutLines, forbidden: step.forbiddenStdoutLines },
    { stream: 'stderr' as const, expected: step.expectedStderrLines, forbidden: step.forbiddenStderrLines },
  ];
  for (const { stream, expected, forbidden } of checks) {
    const lines = outputs[stream];
    if (expected.length > 0) {
      const m = matchExpectedLines(expected, lines, step.outputMatchMode, step.matchOrder);
      for (const missing of m.missing) {
        failures.push(`expected ${stream} line not found (${step.outputMatchMode}): ${JSON.stringify(missing)}`);
      }
      if (m.outOfOrder) {
        const found = expected
          .map((line, i) => ({ line, index: m.indexes[i] ?? -1 }))
          .filter((x) => x.index >= 0)
          .map((x) => `    output line ${x.index + 1}: ${JSON.stringify(x.line)}`);
        failures.push(`expected ${stream} lines appear out of order (match_order: sequential); found at:\n${found.join('\n')}`);
      }
    }
    for (const hit of findForbiddenLines(forbidden, lines, step.outputMatchMode)) {
      failures.push(`forbidden ${stream} line ${JSON.stringify(hit.forbidden)} appeared (output line ${hit.index + 1}: ${JSON.stringify(hit.line)})`);
    }
  }
  return { ...base, notes: run.notes, status: failures.length > 0 ? 'FAIL' : 'PASS', durationSeconds, failures };
}
