// Orchestration: runs the steps of one README in document order with mechanical-markdown semantics,
// plus wait_for_*, forbidden_*, process-group cleanup on every path, live output and a timing report.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultRegistry, startCommand, type CommandResult, type OutputStream, type ProcessGroupRegistry, type RunningCommand } from './exec';
import { findForbiddenLines, joinOutputs, matchExpectedLines, missingLines } from './match';
import { parseReadmeFile, type ParsedReadme } from './parse';
import { formatReport, formatLines } from './report';
import { stepLabel, type CodeBlock, type Step } from './step';

export interface Writer {
  write(chunk: string): unknown;
}

export interface RunReadmeOptions {
  /** Path of the README; relative working_dir values resolve against its directory. */
  file: string;
  /** Already-parsed README (otherwise `file` is read and parsed; parse errors throw ReadmeParseError). */
  parsed?: ParsedReadme;
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

function describeExit(r: CommandResult): string {
  if (r.error !== undefined) return `could not be started: ${r.error}`;
  if (r.exitCode !== null) return `exited with code ${r.exitCode}`;
  return `was killed by ${r.signal ?? 'a signal'}`;
}

class LinePrefixer {
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

interface StepRun {
  step: Step;
  selected: boolean;
  ran: boolean;
  skipReason?: string;
  startedAt: number;
  phaseEndedAt: number;
  commands: { block: CodeBlock; cmd: RunningCommand; flush: () => void }[];
  failures: string[];
  notes: string[];
}

async function promptManual(message: string, out: Writer): Promise<void> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  try {
    out.write(`${message}\nType 'x' and Enter to continue\n`);
    for await (const line of rl) {
      if (line.trim() === 'x') break;
    }
  } finally {
    rl.close();
  }
}

/** Runs one README. Never throws for failing steps (see `success`); throws ReadmeParseError for a bad README. */
export async function runReadme(options: RunReadmeOptions): Promise<RunReadmeResult> {
  const parsed = options.parsed ?? parseReadmeFile(options.file);
  const out = options.stdout ?? process.stdout;
  const errOut = options.stderr ?? process.stderr;
  const shell = splitShell(options.shell);
  const tags = options.tags ?? [];
  const verbose = options.verbose ?? envVerbose();
  const graceMs = Math.max(0, (options.killGraceSeconds ?? 10) * 1000);
  const registry = options.registry ?? defaultRegistry;
  const baseDir = dirname(resolve(options.file));
  const signal = options.signal;

  let abortedResolve!: () => void;
  const abortedPromise = new Promise<void>((res) => (abortedResolve = res));
  const isAborted = (): boolean => signal?.aborted === true;
  if (signal) {
    if (signal.aborted) abortedResolve();
    else signal.addEventListener('abort', () => abortedResolve(), { once: true });
  }
  /** Sleeps, but wakes up early when the run is aborted. */
  const pause = (ms: number): Promise<void> =>
    new Promise<void>((res) => {
      if (isAborted()) return res();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        res();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });

  const runs: StepRun[] = parsed.steps.map((step) => ({
    step,
    selected: isStepSelected(step, tags),
    ran: false,
    startedAt: 0,
    phaseEndedAt: 0,
    commands: [],
    failures: [],
    notes: [],
  }));

  const start = (run: StepRun, block: CodeBlock, cwd: string, env: NodeJS.ProcessEnv): RunningCommand => {
    const label = stepLabel(run.step);
    const prefixers: Record<OutputStream, LinePrefixer> | undefined = verbose
      ? { stdout: new LinePrefixer(out, `[${label}] `), stderr: new LinePrefixer(errOut, `[${label}] `) }
      : undefined;
    if (verbose) {
      const [first, ...more] = block.script.split('\n');
      out.write(`[${label}] $ ${first ?? ''}${more.length > 0 ? ' ...' : ''}\n`);
    }
    const cmd = startCommand({
      shell,
      script: block.script,
      cwd,
      env,
      timeoutMs: (run.step.timeoutSeconds + run.step.sleepSeconds) * 1000,
      killGraceMs: graceMs,
      registry,
      ...(prefixers ? { onOutput: (stream: OutputStream, chunk: string) => prefixers[stream].push(chunk) } : {}),
    });
    run.commands.push({
      block,
      cmd,
      flush: () => {
        prefixers?.stdout.flush();
        prefixers?.stderr.flush();
      },
    });
    return cmd;
  };

  const waitForLines = async (run: StepRun): Promise<boolean> => {
    const { step } = run;
    const deadline = Date.now() + step.waitTimeoutSeconds * 1000;
    for (;;) {
      const stdoutLines = joinOutputs(run.commands.map((c) => c.cmd.stdout));
      const stderrLines = joinOutputs(run.commands.map((c) => c.cmd.stderr));
      const missOut = missingLines(step.waitForStdoutLines, stdoutLines, step.outputMatchMode);
      const missErr = missingLines(step.waitForStderrLines, stderrLines, step.outputMatchMode);
      if (missOut.length === 0 && missErr.length === 0) return true;
      if (isAborted()) return false;
      const closed = run.commands.every((c) => c.cmd.outputClosed);
      if (closed || Date.now() >= deadline) {
        const why = closed
          ? 'the step\'s commands exited before printing'
          : `not seen within wait_timeout_seconds (${step.waitTimeoutSeconds}s)`;
        const lines = [`waiting for output failed: ${why}:`];
        for (const l of missOut) lines.push(`  missing stdout line: ${JSON.stringify(l)}`);
        for (const l of missErr) lines.push(`  missing stderr line: ${JSON.stringify(l)}`);
        lines.push('  stdout so far:', ...formatLines(run.commands.map((c) => c.cmd.stdout).join(''), '    '));
        lines.push('  stderr so far:', ...formatLines(run.commands.map((c) => c.cmd.stderr).join(''), '    '));
        run.failures.push(lines.join('\n'));
        return false;
      }
      await pause(Math.min(50, Math.max(1, deadline - Date.now())));
    }
  };

  /** Runs a step's commands; false means the recipe must stop. */
  const runStep = async (run: StepRun): Promise<boolean> => {
    const { step } = run;
    if (options.manual && step.manualPauseMessage !== null) await promptManual(step.manualPauseMessage, out);
    run.ran = true;
    run.startedAt = Date.now();
    out.write(`==> ${stepLabel(step)} (${parsed.file}:${step.line})${step.background ? ' [background]' : ''}\n`);
    try {
      const cwd = resolve(baseDir, step.workingDir ?? '.');
      let isDir = false;
      try {
        isDir = statSync(cwd).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) {
        run.failures.push(`working_dir ${JSON.stringify(step.workingDir)} does not exist (resolved to ${cwd})`);
        return false;
      }
      const env: NodeJS.ProcessEnv = { ...process.env, ...step.env };
      for (const [i, block] of step.commands.entries()) {
        if (isAborted()) return false;
        const cmd = start(run, block, cwd, env);
        const where = `command ${i + 1} (line ${block.line})`;
        if (cmd.pgid === undefined) {
          const r = await cmd.done;
          run.failures.push(`${where} ${describeExit(r)}`);
          return false;
        }
        if (!step.background) {
          await Promise.race([cmd.done, abortedPromise]);
          if (!cmd.finished) {
            await cmd.terminate();
            run.failures.push(`${where} was interrupted before it finished`);
            return false;
          }
          const r = await cmd.done;
          if (r.error !== undefined) {
            run.failures.push(`${where} ${describeExit(r)}`);
            return false;
          }
          if (r.timedOut) {
            const msg = `${where} timed out after ${step.timeoutSeconds + step.sleepSeconds}s and its process group was killed`;
            if (step.expectedReturnCode !== null) {
              run.failures.push(msg);
              return false;
            }
            run.notes.push(`${msg} (accepted: expected_return_code is null)`);
          } else if (step.expectedReturnCode !== null && r.exitCode !== step.expectedReturnCode) {
            run.failures.push(`${where} ${describeExit(r)}, expected return code ${step.expectedReturnCode}`);
            return false;
          }
        }
        if (step.sleepSeconds > 0) await pause(step.sleepSeconds * 1000);
      }
      if (step.background && (step.waitForStdoutLines.length > 0 || step.waitForStderrLines.length > 0)) {
        if (!(await waitForLines(run))) return false;
      }
      return !isAborted();
    } finally {
      run.phaseEndedAt = Date.now();
    }
  };

  const allCommands = (): RunningCommand[] => runs.flatMap((r) => r.commands.map((c) => c.cmd));
  let stopped = false;
  try {
    for (const run of runs) {
      if (!run.selected) {
        run.skipReason = `not selected by --tag (step tags: ${run.step.tags.join(', ')})`;
        continue;
      }
      if (stopped || isAborted()) {
        run.skipReason = isAborted() ? 'not run: the run was interrupted' : 'not run: an earlier step failed';
        continue;
      }
      if (!(await runStep(run))) stopped = true;
    }

    const background = runs.filter((r) => r.step.background).flatMap((r) => r.commands.map((c) => c.cmd));
    if (!stopped && !isAborted()) {
      // As upstream: wait for every background command, each bounded by its own timeout.
      await Promise.race([Promise.all(background.map((c) => c.done)), abortedPromise]);
    }
    // A failure or an interrupt: do not sit out the background timeouts, stop them now.
    await Promise.all(background.filter((c) => !c.finished).map((c) => c.terminate()));
  } finally {
    // Whatever happened (including exceptions): leftovers in any group we started are stopped.
    await Promise.all(allCommands().map((c) => c.cleanup(graceMs)));
    for (const run of runs) for (const c of run.commands) c.flush();
  }

  const results = runs.map((run) => validate(run));
  const passed = results.filter((r) => r.status === 'PASS').length;
  const failed = results.filter((r) => r.status === 'FAIL').length;
  const skipped = results.filter((r) => r.status === 'SKIP').length;
  const interrupted = isAborted();
  const result: RunReadmeResult = {
    file: parsed.file,
    success: failed === 0 && !interrupted,
    interrupted,
    steps: results,
    passed,
    failed,
    skipped,
    report: '',
    verbose,
  };
  result.report = formatReport(result);
  out.write(result.report);
  return result;
}

function validate(run: StepRun): StepResult {
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
      if (r.timedOut) {
        const msg = `${where} timed out after ${step.timeoutSeconds + step.sleepSeconds}s and its process group was killed`;
        if (step.expectedReturnCode === null) run.notes.push(`${msg} (accepted: expected_return_code is null)`);
        else failures.push(msg);
      } else if (r.error !== undefined || (step.expectedReturnCode !== null && r.exitCode !== step.expectedReturnCode)) {
        failures.push(`${where} ${describeExit(r)}, expected return code ${step.expectedReturnCode ?? 'any'}`);
      }
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
