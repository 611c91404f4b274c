/**
 * @module upstream/harness
 * Runs original dapr/quickstarts READMEs, unchanged, against minidapr: each in its own sandbox
 * (sandbox.ts), with run-readme invoked the way the quickstarts' Makefiles invoke mechanical-markdown
 * (`mm.py -l -s "bash -c" README.md`, from the README's folder), then prints a PASS/FAIL table.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writer } from '../readme/options';
import { formatTotals } from '../readme/report';
import { selectReadmes, UPSTREAM_READMES, type UpstreamReadme } from './quickstarts';
import { installRecipe } from './recipe';
import { createSandbox, initHome, removeSandbox, resolveTools, startPrivateServers, stopLeftovers, stopPrivateServers, type Sandbox, type Tools } from './sandbox';

export type ReadmeStatus = 'PASS' | 'FAIL' | 'ERROR' | 'MISSING' | 'SKIP';

export interface StepCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export interface ReadmeOutcome {
  entry: UpstreamReadme;
  /** PASS/FAIL: run-readme's verdict; ERROR: the sandbox could not be set up or run-readme exited 2; MISSING: not in the checkout. */
  status: ReadmeStatus;
  seconds: number;
  /** Step counts reported by run-readme, when it got that far. */
  steps?: StepCounts;
  /** Apps still registered in the sandbox's home after the README ended (stopped by the harness). */
  leftovers: string[];
  note?: string;
  /** The sandbox, when kept (`keep`). */
  dir?: string;
}

export interface HarnessOptions {
  /** A dapr/quickstarts checkout. */
  checkout: string;
  /** Ids or id prefixes to run (default: all). */
  only?: readonly string[];
  /** Keep every sandbox (copied quickstart, home, shims) instead of deleting it. */
  keep?: boolean;
  /** Pass -v to run-readme (live, prefixed output). */
  verbose?: boolean;
  killGraceSeconds?: number;
  out?: Writer;
  tools?: Tools;
  readmes?: readonly UpstreamReadme[];
  /** Aborting stops the running README (SIGINT to run-readme) and skips the rest. */
  signal?: AbortSignal;
}

const RUN_README_BIN = resolve(__dirname, '..', '..', 'bin', 'run-readme.js');

/** Sums the `<passed> <failed> <skipped> <label>` lines run-readme appended to a totals file. */
export function readTotals(file: string): StepCounts | undefined {
  if (!existsSync(file)) return undefined;
  const counts: StepCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [p, f, s] = line.trim().split(/\s+/).map(Number);
    if (p === undefined || f === undefined || s === undefined || [p, f, s].some(Number.isNaN)) continue;
    counts.passed += p;
    counts.failed += f;
    counts.skipped += s;
  }
  return counts;
}

/** Runs `file` (the README, or the recipe standing for it) from its folder. */
function runReadmeIn(sandbox: Sandbox, file: string, opts: HarnessOptions, out: Writer): Promise<number | null> {
  const args = [RUN_README_BIN, '-l', '-s', 'bash -c', '--kill-grace-seconds', String(opts.killGraceSeconds ?? 10)];
  if (opts.verbose) args.push('-v');
  args.push(basename(file));
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, {
      cwd: dirname(file),
      env: { ...sandbox.env, MINIDAPR_TEST_TOTALS: join(sandbox.root, '.totals') },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C in the terminal reaches it once, through `signal`, not twice
      // (run-readme treats a second SIGINT as "kill everything now").
      detached: true,
    });
    child.stdout.on('data', (d: Buffer) => out.write(d.toString()));
    child.stderr.on('data', (d: Buffer) => out.write(d.toString()));
    const onAbort = (): void => void child.kill('SIGINT');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err) => {
      out.write(`cannot start run-readme: ${err.message}\n`);
      resolvePromise(null);
    });
    child.once('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      resolvePromise(code);
    });
  });
}

async function runOne(entry: UpstreamReadme, tools: Tools, opts: HarnessOptions, out: Writer): Promise<ReadmeOutcome> {
  const started = Date.now();
  const done = (o: Omit<ReadmeOutcome, 'entry' | 'seconds' | 'leftovers'> & { leftovers?: string[] }): ReadmeOutcome => ({
    entry,
    seconds: (Date.now() - started) / 1000,
    leftovers: [],
    ...o,
  });
  if (!existsSync(join(opts.checkout, entry.readme))) return done({ status: 'MISSING', note: `${entry.readme} is not in this checkout` });
  let sandbox: Sandbox | undefined;
  try {
    sandbox = createSandbox(opts.checkout, entry, tools);
    await startPrivateServers(sandbox, entry);
    initHome(sandbox);
    const file = entry.recipe !== undefined ? installRecipe(entry, sandbox.readme) : sandbox.readme;
    const code = await runReadmeIn(sandbox, file, opts, out);
    const steps = readTotals(join(sandbox.root, '.totals'));
    const leftovers = await stopLeftovers(sandbox);
    const status: ReadmeStatus = code === 0 ? 'PASS' : code === 1 ? 'FAIL' : 'ERROR';
    const note = status === 'ERROR' ? `run-readme exited with ${String(code)}` : undefined;
    return done({ status, leftovers, ...(steps ? { steps } : {}), ...(note ? { note } : {}), ...(opts.keep ? { dir: sandbox.root } : {}) });
  } catch (err) {
    const leftovers = sandbox ? await stopLeftovers(sandbox) : [];
    return done({ status: 'ERROR', leftovers, note: (err as Error).message, ...(opts.keep && sandbox ? { dir: sandbox.root } : {}) });
  } finally {
    if (sandbox) await stopPrivateServers(sandbox).catch((err: unknown) => out.write(`cannot stop the sandbox's own servers: ${(err as Error).message}\n`));
    if (sandbox && !opts.keep) removeSandbox(sandbox);
  }
}

/** Runs the selected READMEs one after another (they use fixed ports) and prints the table. */
export async function runUpstreamQuickstarts(opts: HarnessOptions): Promise<ReadmeOutcome[]> {
  const out = opts.out ?? process.stdout;
  const entries = selectReadmes(opts.only ?? [], opts.readmes ?? UPSTREAM_READMES);
  const tools = opts.tools ?? resolveTools();
  const outcomes: ReadmeOutcome[] = [];
  for (const [i, entry] of entries.entries()) {
    if (opts.signal?.aborted) {
      outcomes.push({ entry, status: 'SKIP', seconds: 0, leftovers: [], note: 'interrupted' });
      continue;
    }
    out.write(`\n==== [${i + 1}/${entries.length}] ${entry.readme} ====\n`);
    outcomes.push(await runOne(entry, tools, opts, out));
  }
  out.write(formatOutcomeTable(outcomes, opts.checkout));
  return outcomes;
}

/** Counts READMEs: PASS passed, SKIP skipped, anything else failed. */
export function outcomeTotals(outcomes: readonly ReadmeOutcome[]): StepCounts {
  const passed = outcomes.filter((o) => o.status === 'PASS').length;
  const skipped = outcomes.filter((o) => o.status === 'SKIP').length;
  return { passed, failed: outcomes.length - passed - skipped, skipped };
}

export function formatOutcomeTable(outcomes: readonly ReadmeOutcome[], checkout: string): string {
  const rows = outcomes.map((o) => {
    const steps = o.steps ? `${o.steps.passed}/${o.steps.failed}/${o.steps.skipped}` : '-';
    const notes = [
      ...(o.note ? [o.note] : []),
      ...(o.leftovers.length > 0 ? [`still running afterwards, stopped by the harness: ${o.leftovers.join(', ')}`] : []),
      ...(o.dir ? [`kept in ${o.dir}`] : []),
    ];
    return `${o.status.padEnd(8)}${`${o.seconds.toFixed(1)}s`.padStart(8)}  ${steps.padEnd(14)}${o.entry.id}${notes.length > 0 ? `  (${notes.join('; ')})` : ''}`;
  });
  const t = outcomeTotals(outcomes);
  return [
    '',
    `==== original dapr/quickstarts READMEs against minidapr (${checkout}) ====`,
    `${'RESULT'.padEnd(8)}${'TIME'.padStart(8)}  ${'STEPS p/f/s'.padEnd(14)}README`,
    ...rows,
    formatTotals(t.passed, t.failed, t.skipped),
    '',
  ].join('\n');
}
