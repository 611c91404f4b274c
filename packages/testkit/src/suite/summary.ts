/**
 * @module suite/summary
 * The closing line of a whole test run: the counts every jest run and every executed README appended
 * to the totals file (see ../totals.ts), plus which turbo tasks ran, from turbo's run summary
 * (`turbo run --summarize` writes `.turbo/runs/<id>.json`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  /** Lines read: one per jest run or README run. */
  runs: number;
}

export interface TaskSummary {
  /** Tasks turbo planned. */
  total: number;
  /** Tasks that started (turbo skips the rest when it stops early). */
  ran: number;
  /** `package#task` of every task that exited non-zero. */
  failed: string[];
}

/** Sums `<passed> <failed> <skipped> <label>` lines; anything else is ignored. */
export function sumTotals(text: string): Totals {
  const t: Totals = { passed: 0, failed: 0, skipped: 0, runs: 0 };
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\d+) (\d+)(?: |$)/.exec(line);
    if (!m) continue;
    t.passed += Number(m[1]);
    t.failed += Number(m[2]);
    t.skipped += Number(m[3]);
    t.runs++;
  }
  return t;
}

interface TurboRun {
  tasks?: Array<{ taskId?: string; execution?: { exitCode?: number | null } | null }>;
}

/** Reads one turbo run summary (the JSON `--summarize` writes). */
export function parseTurboSummary(json: string): TaskSummary {
  const run = JSON.parse(json) as TurboRun;
  const tasks = run.tasks ?? [];
  const started = tasks.filter((t) => t.execution !== undefined && t.execution !== null);
  return {
    total: tasks.length,
    ran: started.length,
    failed: started.filter((t) => t.execution?.exitCode !== 0).map((t) => t.taskId ?? '?'),
  };
}

/** The newest summary under `<repo>/.turbo/runs` written at or after `sinceMs`, if any. */
export function latestTurboSummary(repoRoot: string, sinceMs: number): TaskSummary | undefined {
  const dir = join(repoRoot, '.turbo', 'runs');
  let newest: { file: string; mtime: number } | undefined;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const file = join(dir, name);
    const mtime = statSync(file).mtimeMs;
    if (mtime >= sinceMs && (!newest || mtime > newest.mtime)) newest = { file, mtime };
  }
  return newest ? parseTurboSummary(readFileSync(newest.file, 'utf8')) : undefined;
}

/** `Tests: N passed, N failed, N skipped` and, when turbo ran, how many of its tasks ran and failed. */
export function closingLine(totals: Totals, tasks?: TaskSummary): string {
  let line = `Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
  if (tasks) {
    line += ` · Tasks: ${tasks.ran} of ${tasks.total} ran, ${tasks.failed.length} failed`;
    if (tasks.failed.length > 0) line += ` (${tasks.failed.join(', ')})`;
  }
  return line;
}
