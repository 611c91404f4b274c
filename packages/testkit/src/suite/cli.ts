/**
 * @module suite/cli
 * `test-summary -- <command...>`: runs a test command (usually `turbo run … --continue=always
 * --summarize`) with MINIDAPR_TEST_TOTALS pointing at a totals file, then prints one closing line
 * summing every jest run and every executed README it started, and how many turbo tasks ran.
 * Nested runs share the outer file (each prints the line for its own part); exit status is the
 * command's, or 1 when a test or task failed although the command exited 0.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { closingLine, latestTurboSummary, sumTotals } from './summary';

export const SUMMARY_HELP = `Usage: test-summary -- <command> [args...]

Runs <command> with MINIDAPR_TEST_TOTALS set (reusing an outer run's file when already set), then
prints "Tests: N passed, N failed, N skipped" for everything it ran and, when it ran turbo with
--summarize, "Tasks: N of M ran, N failed".
`;

function readFrom(file: string, offset: number): string {
  const size = statSync(file).size;
  if (size <= offset) return '';
  const buf = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, offset);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}

function runChild(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const [cmd, ...args] = command as [string, ...string[]];
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onTerm = forward('SIGTERM');
    const onInt = forward('SIGINT');
    process.on('SIGTERM', onTerm).on('SIGINT', onInt);
    const done = (code: number) => {
      process.off('SIGTERM', onTerm).off('SIGINT', onInt);
      resolve(code);
    };
    child.on('error', (err) => {
      process.stderr.write(`test-summary: cannot start ${cmd}: ${err.message}\n`);
      done(127);
    });
    child.on('exit', (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

/** Runs the command and prints the closing line; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const sep = argv.indexOf('--');
  const command = sep >= 0 ? argv.slice(sep + 1) : argv;
  if (command.length === 0 || argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(SUMMARY_HELP);
    return command.length === 0 ? 2 : 0;
  }
  const outer = process.env.MINIDAPR_TEST_TOTALS;
  const ownDir = outer ? undefined : mkdtempSync(join(tmpdir(), 'minidapr-totals-'));
  const file = outer ?? join(ownDir as string, 'totals');
  if (!outer) writeFileSync(file, '');
  const offset = statSync(file).size;
  const started = Date.now();
  try {
    const code = await runChild(command, { ...process.env, MINIDAPR_TEST_TOTALS: file });
    const totals = sumTotals(readFrom(file, offset));
    const tasks = latestTurboSummary(process.cwd(), started);
    process.stdout.write(`\n${closingLine(totals, tasks)}\n`);
    if (code !== 0) return code;
    return totals.failed > 0 || (tasks?.failed.length ?? 0) > 0 ? 1 : 0;
  } finally {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  }
}
