// What a run can be told: the options of runReadme and the helpers that interpret them.
import type { ProcessGroupRegistry } from './exec';
import type { ParsedReadme } from './parse';
import type { Step } from './step';

export interface Writer {
  write(chunk: string): unknown;
}

export interface RunReadmeOptions {
  /** Path of the README; relative working_dir values resolve against its directory. */
  file: string;
  /** Already-parsed README (otherwise `file` is read and parsed; parse errors throw ReadmeParseError). */
  parsed?: ParsedReadme;
  /** When `file` is parsed here: turn mechanical-markdown-compatible warnings into errors (see ParseOptions). */
  strict?: boolean;
  /** Only run untagged steps and steps carrying one of these tags (empty: run everything). */
  tags?: readonly string[];
  /** Shell prefix, default `bash -c`; the block is passed as the last argument. */
  shell?: string | readonly string[];
  /** Stream every command's output live, prefixed with `[<step name>] ` (default: env RUN_README_VERBOSE=1). */
  verbose?: boolean;
  /** Time between SIGTERM and SIGKILL when stopping a process group (default 10). */
  killGraceSeconds?: number;
  /** Honour manual_pause_message (waits for input on stdin). */
  manual?: boolean;
  /** Aborting stops the recipe, terminates every process group and returns the report. */
  signal?: AbortSignal;
  /** Progress, live output and the report (default process.stdout). */
  stdout?: Writer;
  /** Live stderr of commands (default process.stderr). */
  stderr?: Writer;
  registry?: ProcessGroupRegistry;
}

export function splitShell(shell: string | readonly string[] | undefined): string[] {
  if (shell === undefined) return ['bash', '-c'];
  const parts = typeof shell === 'string' ? shell.trim().split(/\s+/).filter(Boolean) : [...shell];
  if (parts.length === 0) throw new Error('the shell must not be empty (e.g. "bash -c")');
  return parts;
}

/** A step runs when no tags were requested, when it has no tags, or when it has one of the requested tags. */
export function isStepSelected(step: Pick<Step, 'tags'>, tags: readonly string[]): boolean {
  return tags.length === 0 || step.tags.length === 0 || step.tags.some((t) => tags.includes(t));
}

export function envVerbose(): boolean {
  const v = process.env['RUN_README_VERBOSE'];
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}
