// The step model: what a `<!-- STEP ... -->` annotation can say, its defaults and the parse error.
// Reading the YAML is in step-yaml.ts, checks that need the whole step or file in step-check.ts.
import type { MatchMode, MatchOrder } from './match';

export type { MatchMode, MatchOrder } from './match';

export const RUNNABLE_LANGUAGES: readonly string[] = ['bash', 'sh', 'shell', 'shell-script'];
export const DEFAULT_TIMEOUT_SECONDS = 300;
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 60;

export interface CodeBlock {
  /** First word of the fence info string (`bash`, `text`, ...). */
  lang: string;
  /** README line of the opening fence (1-based). */
  line: number;
  /** Block content, trimmed (as upstream). */
  script: string;
}

/** Everything the YAML of a STEP can set. */
export interface StepSettings {
  name: string;
  expectedStdoutLines: string[];
  expectedStderrLines: string[];
  forbiddenStdoutLines: string[];
  forbiddenStderrLines: string[];
  waitForStdoutLines: string[];
  waitForStderrLines: string[];
  waitTimeoutSeconds: number;
  /**
   * `wait_for_step`: name of an earlier background step whose output the wait_for_* lines are
   * looked for in (before this step's own commands run); null: a background step waits for its own output.
   */
  waitForStep: string | null;
  outputMatchMode: MatchMode;
  matchOrder: MatchOrder;
  /** null: the return code is not checked. */
  expectedReturnCode: number | null;
  background: boolean;
  sleepSeconds: number;
  timeoutSeconds: number;
  /** Relative to the README's directory; null means the README's directory. */
  workingDir: string | null;
  env: Record<string, string>;
  tags: string[];
  manualPauseMessage: string | null;
}

export interface Step extends StepSettings {
  /** 1-based position of the step in the document. */
  index: number;
  /** README line of `<!-- STEP` (1-based). */
  line: number;
  /** README line of `<!-- END_STEP -->`. */
  endLine: number;
  /** Runnable blocks (bash, sh, shell, shell-script), in order. */
  commands: CodeBlock[];
  /** Fenced blocks inside the step that are not run (text, yaml, json, ...). */
  ignoredBlocks: CodeBlock[];
  /** `index` of the step `wait_for_step` names, resolved when the file is parsed; null without wait_for_step. */
  waitForStepIndex: number | null;
}

export class ReadmeParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ReadmeParseError';
  }
}

/**
 * Something mechanical-markdown accepts but that is probably a mistake (an unknown or repeated key,
 * a check that cannot fail). A warning in the default mode, a ReadmeParseError with `strict`.
 */
export interface ReadmeWarning {
  line: number;
  message: string;
}

/** `file:line: warning: message`, the form printed by the CLI. */
export function formatWarning(file: string, warning: ReadmeWarning): string {
  return `${file}:${warning.line}: warning: ${warning.message}`;
}

/** Where parse-time warnings go: collected as warnings, or thrown as errors in strict mode. */
export interface WarningSink {
  strict: boolean;
  warnings: ReadmeWarning[];
}

/** Records a warning, or throws it as a ReadmeParseError when the sink is strict. */
export function warnOrFail(sink: WarningSink, file: string, line: number, message: string): void {
  if (sink.strict) throw new ReadmeParseError(file, line, message);
  sink.warnings.push({ line, message });
}

/** Name used in reports and output prefixes. */
export function stepLabel(step: Pick<Step, 'name' | 'line'>): string {
  return step.name !== '' ? step.name : `step at line ${step.line}`;
}

export const KNOWN_KEYS: readonly string[] = [
  'name',
  'expected_stdout_lines',
  'expected_stderr_lines',
  'forbidden_stdout_lines',
  'forbidden_stderr_lines',
  'wait_for_stdout_lines',
  'wait_for_stderr_lines',
  'wait_timeout_seconds',
  'wait_for_step',
  'output_match_mode',
  'match_order',
  'expected_return_code',
  'background',
  'sleep',
  'timeout_seconds',
  'working_dir',
  'env',
  'tags',
  'manual_pause_message',
];

export function defaultSettings(): StepSettings {
  return {
    name: '',
    expectedStdoutLines: [],
    expectedStderrLines: [],
    forbiddenStdoutLines: [],
    forbiddenStderrLines: [],
    waitForStdoutLines: [],
    waitForStderrLines: [],
    waitTimeoutSeconds: DEFAULT_WAIT_TIMEOUT_SECONDS,
    waitForStep: null,
    outputMatchMode: 'exact',
    matchOrder: 'sequential',
    expectedReturnCode: 0,
    background: false,
    sleepSeconds: 0,
    timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    workingDir: null,
    env: {},
    tags: [],
    manualPauseMessage: null,
  };
}
