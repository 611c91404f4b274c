/**
 * @module repo
 * Where the repository is: every deployment file is checked relative to its root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The monorepo root: the closest folder above `from` whose package.json declares workspaces. */
export function repoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && Array.isArray((JSON.parse(readFileSync(pkg, 'utf8')) as { workspaces?: unknown }).workspaces)) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json with "workspaces" above ${from}`);
    dir = up;
  }
}

/** This package's folder (schemas/, images.yaml, scripts/). */
export const PACKAGE_DIR = resolve(__dirname, '..');
