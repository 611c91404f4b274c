// The state of one step during a run (its started commands, failures, notes), and live output.
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

export function describeExit(r: CommandResult): string {
  if (r.error !== undefined) return `could not be started: ${r.error}`;
  if (r.exitCode !== null) return `exited with code ${r.exitCode}`;
  return `was killed by ${r.signal ?? 'a signal'}`;
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
