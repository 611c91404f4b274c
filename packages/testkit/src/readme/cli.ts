// `run-readme [options] <README.md...>`: exit 0 when every step passed, 1 when a step failed,
// 2 for usage or README annotation errors (and internal errors), 128+n when interrupted by a signal.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultRegistry } from './exec';
import { parseReadmeFile, type ParsedReadme } from './parse';
import { formatPlan, formatTotals } from './report';
import { recordTotals } from '../totals';
import { envVerbose, isStepSelected, runReadme, splitShell, type RunReadmeResult, type Writer } from './runner';
import { ReadmeParseError } from './step';

export const HELP = `Usage: run-readme [options] <README.md...>

Runs the shell blocks of README files annotated with mechanical-markdown STEP comments
(<!-- STEP ... --> ... <!-- END_STEP -->) and checks their output. Accepts everything
mechanical-markdown (mm.py) accepts. Several READMEs run one after another.
Exit code: 0 all steps passed, 1 a step failed, 2 usage or annotation error.

Options:
  -t, --tag TAG              run untagged steps plus steps tagged TAG (repeatable)
  -s, --shell "CMD ARGS"     shell used for each code block (default: "bash -c")
  -d, --dry-run              print the plan (steps, commands, expectations) without running
  -v, --verbose              stream every command's output live, prefixed with [step name]
                             (same as env RUN_README_VERBOSE=1)
      --kill-grace-seconds N seconds between SIGTERM and SIGKILL when stopping a process
                             group (default: 10)
      --temp-dir-env NAME    point env NAME at a fresh temporary directory for the whole run
                             and delete it afterwards, e.g. MINIDAPR_HOME (repeatable)
  -m, --manual               pause at steps that have a manual_pause_message
      --strict               reject what mechanical-markdown accepts but is almost always a
                             mistake (unknown or repeated STEP keys, steps that only expect
                             empty lines) instead of warning about it
  -l, --validate-links       accepted for compatibility; link checking is not supported (ignored)
  -r, --link-retries N       accepted for compatibility (ignored)
      --version              print the version
  -h, --help                 show this help

Example:
  run-readme -v -t linux --kill-grace-seconds 2 quickstarts/hello/README.md
  run-readme --temp-dir-env MINIDAPR_HOME README.md
`;

export interface CliOptions {
  files: string[];
  tags: string[];
  shell: string[];
  dryRun: boolean;
  verbose: boolean;
  manual: boolean;
  killGraceSeconds: number;
  validateLinks: boolean;
  tempDirEnv: string[];
  strict: boolean;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        tag: { type: 'string', short: 't', multiple: true },
        tags: { type: 'string', multiple: true },
        shell: { type: 'string', short: 's' },
        'dry-run': { type: 'boolean', short: 'd' },
        verbose: { type: 'boolean', short: 'v' },
        manual: { type: 'boolean', short: 'm' },
        'validate-links': { type: 'boolean', short: 'l' },
        'link-retries': { type: 'string', short: 'r' },
        'kill-grace-seconds': { type: 'string' },
        'temp-dir-env': { type: 'string', multiple: true },
        strict: { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const graceText = values['kill-grace-seconds'];
  let killGraceSeconds = 10;
  if (graceText !== undefined) {
    killGraceSeconds = Number(graceText);
    if (graceText.trim() === '' || !Number.isFinite(killGraceSeconds) || killGraceSeconds < 0) {
      throw new UsageError(`--kill-grace-seconds must be a number >= 0 (got '${graceText}')`);
    }
  }
  let shell: string[];
  try {
    shell = splitShell(values.shell);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const help = values.help === true;
  const version = values.version === true;
  if (!help && !version && positionals.length === 0) throw new UsageError('no README given');
  return {
    files: positionals,
    tags: [...(values.tag ?? []), ...(values.tags ?? [])],
    shell,
    dryRun: values['dry-run'] === true,
    verbose: values.verbose === true || envVerbose(),
    manual: values.manual === true,
    killGraceSeconds,
    validateLinks: values['validate-links'] === true,
    tempDirEnv: values['temp-dir-env'] ?? [],
    strict: values.strict === true,
    help,
    version,
  };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export interface CliIo {
  stdout: Writer;
  stderr: Writer;
}

/** Runs the CLI and resolves with the exit code (never calls process.exit). */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`run-readme: ${err.message}\nTry 'run-readme --help' for usage.\n`);
    return 2;
  }
  if (opts.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (opts.version) {
    io.stdout.write(`run-readme ${packageVersion()}\n`);
    return 0;
  }
  if (opts.validateLinks) io.stderr.write('run-readme: note: -l/--validate-links is ignored (link checking is not supported offline)\n');

  const parsed: ParsedReadme[] = [];
  for (const file of opts.files) {
    try {
      parsed.push(parseReadmeFile(file, { strict: opts.strict }));
    } catch (err) {
      if (err instanceof ReadmeParseError) io.stderr.write(`run-readme: ${err.message}\n`);
      else io.stderr.write(`run-readme: cannot read ${file}: ${(err as Error).message}\n`);
      return 2;
    }
  }

  if (opts.dryRun) {
    for (const p of parsed) {
      io.stdout.write(formatPlan(p, { shell: opts.shell, tags: opts.tags, isSelected: (s) => isStepSelected(s, opts.tags) }));
      io.stdout.write('\n');
    }
    return 0;
  }

  defaultRegistry.killGraceMs = opts.killGraceSeconds * 1000;
  defaultRegistry.installExitHooks();
  const controller = new AbortController();
  let caught: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (caught) {
      // Second signal: stop waiting for graceful termination.
      io.stderr.write(`run-readme: ${sig} again, killing everything now\n`);
      defaultRegistry.killAllSync(0);
      process.exit(SIGNAL_EXIT[caught] ?? 1);
    }
    caught = sig;
    io.stderr.write(`run-readme: ${sig} received, stopping all processes (grace ${opts.killGraceSeconds}s)...\n`);
    controller.abort();
  };
  const signals = Object.keys(SIGNAL_EXIT) as NodeJS.Signals[];
  for (const sig of signals) process.on(sig, onSignal);

  // Hermetic runs: e.g. MINIDAPR_HOME points at a fresh directory that is removed afterwards.
  const tempDirs: string[] = [];
  for (const name of opts.tempDirEnv) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      io.stderr.write(`run-readme: --temp-dir-env: "${name}" is not a valid environment variable name\n`);
      return 2;
    }
    const dir = mkdtempSync(join(tmpdir(), `run-readme-${name.toLowerCase()}-`));
    tempDirs.push(dir);
    process.env[name] = dir;
  }

  const results: RunReadmeResult[] = [];
  try {
    for (const p of parsed) {
      if (controller.signal.aborted) break;
      results.push(
        await runReadme({
          file: p.file,
          parsed: p,
          tags: opts.tags,
          shell: opts.shell,
          verbose: opts.verbose,
          killGraceSeconds: opts.killGraceSeconds,
          manual: opts.manual,
          signal: controller.signal,
          stdout: io.stdout,
          stderr: io.stderr,
        }),
      );
    }
  } finally {
    for (const sig of signals) process.off(sig, onSignal);
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  }

  if (results.length > 1) {
    const sum = (k: 'passed' | 'failed' | 'skipped'): number => results.reduce((n, r) => n + r[k], 0);
    io.stdout.write(`\n==== all READMEs (${results.length}) ====\n`);
    for (const r of results) io.stdout.write(`${r.success ? 'PASS' : 'FAIL'}  ${r.file}\n`);
    io.stdout.write(`${formatTotals(sum('passed'), sum('failed'), sum('skipped'))}\n`);
  }
  recordTotals(results.reduce((n, r) => n + r.passed, 0), results.reduce((n, r) => n + r.failed, 0), results.reduce((n, r) => n + r.skipped, 0));
  if (caught) return SIGNAL_EXIT[caught] ?? 1;
  return results.every((r) => r.success) ? 0 : 1;
}

/** Entry point used by bin/run-readme.js: sets process.exitCode when done. */
export function main(argv: string[]): void {
  runCli(argv).then(
    (code) => {
      process.exitCode = code;
      // Normally the event loop is empty by now; do not hang if something outside our control lingers.
      setTimeout(() => process.exit(code), 1000).unref();
    },
    (err: unknown) => {
      process.stderr.write(`run-readme: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      defaultRegistry.killAllSync(defaultRegistry.killGraceMs);
      process.exitCode = 2;
    },
  );
}
