// Orchestration: runs the steps of one README in document order with mechanical-markdown semantics,
// plus wait_for_* (wait.ts), forbidden_*, process-group cleanup on every path, live output and a timing report.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultRegistry, startCommand, type OutputStream, type RunningCommand } from './exec';
import { envVerbose, isStepSelected, splitShell, type RunReadmeOptions, type Writer } from './options';
import { parseReadmeFile } from './parse';
import { formatReport } from './report';
import { stepLabel, type CodeBlock } from './step';
import { checkReturnCode, describeExit, LinePrefixer, newStepRun, type StepRun } from './step-run';
import { validateRun, type RunReadmeResult } from './verdict';
import { waitForOwnLines, waitForStepLines, type WaitControl } from './wait';

export { envVerbose, isStepSelected, splitShell, type RunReadmeOptions, type Writer } from './options';
export type { CommandReport, RunReadmeResult, StepResult, StepStatus } from './verdict';

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
  const parsed = options.parsed ?? parseReadmeFile(options.file, { strict: options.strict === true });
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

  const runs: StepRun[] = parsed.steps.map((step) => newStepRun(step, isStepSelected(step, tags)));
  const waitControl: WaitControl = { isAborted, pause };

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
      if (step.waitForStep !== null) {
        const target = runs.find((r) => r.step.index === step.waitForStepIndex);
        if (verbose) out.write(`[${stepLabel(step)}] waiting for output of '${step.waitForStep}' (up to ${step.waitTimeoutSeconds}s)\n`);
        if (!(await waitForStepLines(run, target, waitControl))) return false;
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
          const failure = checkReturnCode(run, where, await cmd.done);
          if (failure !== null) {
            run.failures.push(failure);
            return false;
          }
        }
        if (step.sleepSeconds > 0) await pause(step.sleepSeconds * 1000);
      }
      if (step.background && (step.waitForStdoutLines.length > 0 || step.waitForStderrLines.length > 0)) {
        if (!(await waitForOwnLines(run, waitControl))) return false;
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

  const results = runs.map((run) => validateRun(run));
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
    warnings: parsed.warnings,
  };
  result.report = formatReport(result);
  out.write(result.report);
  return result;
}
