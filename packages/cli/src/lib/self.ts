/**
 * @module lib/self
 * How to write a minidapr command in a hint so that it works where the user is: `minidapr init`
 * when `minidapr` on the PATH is this CLI, the name it was started by when that is on the PATH and is
 * this CLI (a `dapr` symlink), `npx minidapr init` when this CLI is a project-local install
 * (node_modules) of a folder that holds the cwd, and plain `minidapr` otherwise.
 * PATH entries that end in `node_modules/.bin` are skipped: npm adds them to the PATH of `npx` and
 * `npm run`, but the user's own shell does not have them.
 */
import { realpathSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, relative, resolve, sep } from 'node:path';

export const CLI_NAME = 'minidapr';

function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** True when `name` found on the user's PATH is `self` (after following symlinks). */
function onPathAs(name: string, self: string, env: NodeJS.ProcessEnv): boolean {
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d && !/node_modules[\\/]\.bin[\\/]?$/.test(d));
  for (const dir of dirs) {
    const found = real(join(dir, name));
    if (found) return found === self;
  }
  return false;
}

/** `/p/node_modules/.bin/minidapr` → `/p` (the project whose node_modules holds the CLI). */
function projectOf(path: string): string | undefined {
  const i = path.lastIndexOf(`${sep}node_modules${sep}`);
  return i > 0 ? path.slice(0, i) : undefined;
}

function inside(dir: string, cwd: string): boolean {
  const rel = relative(dir, cwd);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The command prefix for hints (`minidapr`, `dapr`, `npx minidapr`); `script` is the path the CLI
 * was started by (process.argv[1]).
 */
export function selfCommand(script: string | undefined, cwd: string, env: NodeJS.ProcessEnv): string {
  if (!script) return CLI_NAME;
  const invoked = resolve(cwd, script);
  const self = real(invoked);
  if (!self) return CLI_NAME;
  const name = basename(invoked).replace(/\.js$/, '');
  if (onPathAs(name, self, env)) return name;
  if (name !== CLI_NAME && onPathAs(CLI_NAME, self, env)) return CLI_NAME;
  for (const candidate of [invoked, self]) {
    const project = projectOf(candidate);
    if (project && inside(project, cwd)) return `npx ${CLI_NAME}`;
  }
  return CLI_NAME;
}
