// The state of one step during a run (its started commands, failures, notes), and live output.
import { constants as osConstants } from 'node:os';
import type { CommandResult, RunningCommand } from './exec';
import type { Writer } from './options';
import type { CodeBlock, Step } from './step';

export interface StepCommand {
  block: CodeBlock;
  cmd: RunningCommand;
  /** Writes out a trailing partial line of live (verbose) output. */
  flush: () => void;
}

export interface StepRun {
  step: Step;
  selected: boolean;
  ran: boolean;
  skipReason?: string;
  startedAt: number;
  phaseEndedAt: number;
  commands: StepCommand[];
  failures: string[];
  notes: string[];
  /**
   * Output lines of this (background) step already taken by a later step's wait_for_step wait,
   * keyed `<command>:<line>`, so a second wait for the same line needs a second occurrence.
   */
  consumed: { stdout: Set<string>; stderr: Set<string> };
}

export function newStepRun(step: Step, selected: boolean): StepRun {
  return {
    step,
    selected,
    ran: false,
    startedAt: 0,
    phaseEndedAt: 0,
    commands: [],
    failures: [],
    notes: [],
    consumed: { stdout: new Set(), stderr: new Set() },
  };
}

/**
 * The return code compared with expected_return_code: the exit code, or, for a process killed by a
 * signal, minus the signal number (-15 for SIGTERM), which is what mechanical-markdown sees from Python.
 */
export function returnCode(r: CommandResult): number | null {
  if (r.exitCode !== null) return r.exitCode;
  const n = r.signal !== null ? osConstants.signals[r.signal] : undefined;
  return n === undefined ? null : -n;
}

export function describeExit(r: CommandResult): string {
  if (r.error !== undefined) return `could not be started: ${r.error}`;
  if (r.exitCode !== null) return `exited with code ${r.exitCode}`;
  const code = returnCode(r);
  return `was killed by ${r.signal ?? 'a signal'}${code !== null ? ` (return code ${code})` : ''}`;
}

/**
 * Judges one finished command against expected_return_code (null: not checked). As in
 * mechanical-markdown, a command that ran into its timeout is stopped and then judged by the code
 * it exited with, so a server that exits 0 on SIGTERM passes. Returns the failure, or null, and
 * adds a note when a timeout was involved.
 */
export function checkReturnCode(run: StepRun, where: string, r: CommandResult): string | null {
  const { step } = run;
  const expected = step.expectedReturnCode;
  const timeout = r.timedOut ? ` timed out after ${step.timeoutSeconds + step.sleepSeconds}s and was stopped (SIGTERM); it` : '';
  if (r.error !== undefined) return `${where} ${describeExit(r)}`;
  if (expected !== null && returnCode(r) !== expected) return `${where}${timeout} ${describeExit(r)}, expected return code ${expected}`;
  if (r.timedOut) {
    const verdict = expected === null ? 'not checked: expected_return_code is empty' : 'the expected return code';
    run.notes.push(`${where}${timeout} ${describeExit(r)} (${verdict})`);
  }
  return null;
}

/** Writes streamed output line by line, each line prefixed (e.g. `[step name] `). */
export class LinePrefixer {
  private pending = '';
  constructor(
    private readonly out: Writer,
    private readonly prefix: string,
  ) {}
  push(chunk: string): void {
    const text = this.pending + chunk;
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.out.write(`${this.prefix}${line.replace(/\r$/, '')}\n`);
  }
  flush(): void {
    if (this.pending !== '') this.out.write(`${this.prefix}${this.pending}\n`);
    this.pending = '';
  }
}
