/**
 * @module suite/turbo-cache
 * Lets a copy of the repository (see ./node-versions) restore the build outputs that turbo already
 * cached for the original instead of compiling them again. The builds (tsc, vite, file copies) write
 * the same files whatever Node.js runs them, and the copy hashes every task to the same hash as the
 * original (turbo hashes inputs, not the Node.js version or the folder), so a seeded entry is only
 * ever used for identical sources; anything not seeded is simply built.
 *
 * Only `build` tasks are seeded: the `test` entries of the original must never reach the copy, or
 * turbo would replay the original Node.js's test results instead of running the suites.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

interface DryRun {
  tasks?: Array<{ task?: string; hash?: string }>;
}

/** The hashes of the `build` tasks in the JSON of `turbo run build --dry=json`. */
export function buildHashes(dryRunJson: string): string[] {
  const run = JSON.parse(dryRunJson.slice(Math.max(0, dryRunJson.indexOf('{')))) as DryRun;
  return (run.tasks ?? []).filter((t) => t.task === 'build' && typeof t.hash === 'string' && /^[0-9a-f]+$/.test(t.hash)).map((t) => t.hash as string);
}

/**
 * Where turbo may keep the original's local cache: TURBO_CACHE_DIR, `<repo>/.turbo/cache`, and for a
 * git worktree the main worktree's `.turbo/cache` (turbo shares one cache between worktrees).
 */
export function cacheDirCandidates(repo: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  if (env.TURBO_CACHE_DIR) dirs.push(resolve(repo, env.TURBO_CACHE_DIR));
  dirs.push(join(repo, '.turbo', 'cache'));
  const git = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repo, encoding: 'utf8' });
  if (git.status === 0 && git.stdout.trim() !== '') dirs.push(join(dirname(git.stdout.trim()), '.turbo', 'cache'));
  return [...new Set(dirs)];
}

/** Copies every file of each hash's cache entry (`<hash>.tar.zst`, `<hash>-meta.json`, ...) found in the first dir that has it; returns how many entries were copied. */
export function copyCacheEntries(hashes: string[], fromDirs: string[], toDir: string): number {
  const listings = fromDirs.filter((d) => existsSync(d)).map((d) => ({ dir: d, names: readdirSync(d) }));
  let copied = 0;
  for (const hash of hashes) {
    const own = (n: string) => n.startsWith(`${hash}.`) || n.startsWith(`${hash}-`);
    const from = listings.find((l) => l.names.some((n) => n.startsWith(`${hash}.`) && n.endsWith('.tar.zst')));
    if (!from) continue;
    mkdirSync(toDir, { recursive: true });
    for (const n of from.names.filter(own)) copyFileSync(join(from.dir, n), join(toDir, n));
    copied++;
  }
  return copied;
}

/**
 * Seeds `<copy>/.turbo/cache` with the original's cached build outputs; returns how many build tasks
 * were seeded (0 when turbo or its cache is not there: the copy then builds everything itself).
 */
export function seedBuildCache(repo: string, copy: string): number {
  const dry = spawnSync('npx', ['--no-install', 'turbo', 'run', 'build', '--dry=json'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (dry.status !== 0) return 0;
  let hashes: string[];
  try {
    hashes = buildHashes(dry.stdout);
  } catch {
    return 0;
  }
  return copyCacheEntries(hashes, cacheDirCandidates(repo), join(copy, '.turbo', 'cache'));
}
