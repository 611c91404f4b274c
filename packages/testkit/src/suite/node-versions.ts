/**
 * @module suite/node-versions
 * `test-node-versions [22 24 ...]`: proves the runtime, the CLI and the dashboard on other Node.js majors than the
 * one running. For each version it installs the `node` package from the npm registry (it ships the
 * binary and the headers) into a temporary prefix, copies the working tree (tracked and untracked,
 * not ignored files) to a temporary folder, runs `npm ci` there with that Node first on PATH (native
 * addons such as better-sqlite3 are built against its headers), then the runtime, CLI and dashboard unit and
 * integration tests. Everything temporary is removed afterwards.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { latestTurboSummary } from './summary';

export const DEFAULT_VERSIONS = ['22', '24'];
/** The packages whose suites run on every supported Node.js. */
export const PACKAGES = ['@minidapr/runtime', '@minidapr/cli', '@minidapr/dashboard'];

export interface NodeInstall {
  /** Folder holding the `node` binary. */
  binDir: string;
  /** Folder with include/node (npm_config_nodedir for node-gyp). */
  nodedir: string;
  version: string;
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; label: string }): Promise<number> {
  process.stdout.write(`\n== ${opts.label}: ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'inherit' });
    child.on('error', () => resolve(127));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** The first folder under `root` (breadth first, a few levels deep) holding include/node/node.h. */
export function findNodedir(root: string, depth = 4): string | undefined {
  let level = [root];
  for (let d = 0; d <= depth && level.length > 0; d++) {
    const next: string[] = [];
    for (const dir of level) {
      if (existsSync(join(dir, 'include', 'node', 'node.h'))) return dir;
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names) {
        const p = join(dir, n);
        try {
          if (statSync(p).isDirectory()) next.push(p);
        } catch {
          /* a dangling link */
        }
      }
    }
    level = next;
  }
  return undefined;
}

/** Installs node@<major> into `prefix` from the npm registry. */
export async function installNode(major: string, prefix: string): Promise<NodeInstall> {
  mkdirSync(prefix, { recursive: true });
  // The package's preinstall script fetches the platform package that holds the binary.
  writeFileSync(join(prefix, 'package.json'), JSON.stringify({ private: true, allowScripts: { node: true } }));
  const code = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `node@${major}`], { cwd: prefix, label: `node ${major}` });
  const binDir = join(prefix, 'node_modules', 'node', 'bin');
  if (code !== 0 || !existsSync(join(binDir, 'node'))) throw new Error(`installing node@${major} from the npm registry failed (npm exited ${code})`);
  const nodedir = findNodedir(join(prefix, 'node_modules'));
  if (!nodedir) throw new Error(`node@${major} was installed without its headers (include/node/node.h); native addons cannot be built`);
  const version = spawnSync(join(binDir, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!version.startsWith(`v${major}.`)) throw new Error(`node@${major} reports version ${JSON.stringify(version)}`);
  return { binDir, nodedir, version };
}

/** Copies the files git would commit (tracked and untracked, not ignored, not deleted) to `dest`. */
export function copyWorkingTree(repo: string, dest: string): number {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ls-files failed in ${repo}: ${r.stderr.trim()}`);
  let copied = 0;
  for (const rel of r.stdout.split('\0').filter((f) => f !== '')) {
    const src = join(repo, rel);
    let st;
    try {
      st = statSync(src);
    } catch {
      continue; // deleted in the working tree
    }
    if (!st.isFile()) continue;
    const to = join(dest, rel);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(src, to);
    chmodSync(to, st.mode & 0o777);
    copied++;
  }
  return copied;
}

/** Installs and tests in a copy of `repo` on one Node.js major; resolves true when all passed. */
export async function testOnNode(repo: string, major: string): Promise<boolean> {
  const work = mkdtempSync(join(tmpdir(), `minidapr-node${major}-`));
  try {
    const node = await installNode(major, join(work, 'node'));
    const copy = join(work, 'repo');
    const files = copyWorkingTree(repo, copy);
    process.stdout.write(`\n== node ${major}: ${node.version}, ${files} files copied\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${node.binDir}${delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: node.nodedir };
    const label = `node ${node.version}`;
    if ((await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: copy, env, label })) !== 0) {
      process.stdout.write(`\n== ${label}: npm ci failed\n`);
      return false;
    }
    const filters = PACKAGES.map((p) => `--filter=${p}`);
    const started = Date.now();
    const code = await run('npx', ['turbo', 'run', 'test', 'test:integration', ...filters, '--concurrency=1', '--continue=always', '--summarize'], { cwd: copy, env, label });
    const tasks = latestTurboSummary(copy, started);
    const ranAll = tasks !== undefined && tasks.ran === tasks.total && tasks.failed.length === 0;
    process.stdout.write(`\n== ${label}: ${tasks ? `${tasks.ran} of ${tasks.total} tasks ran, ${tasks.failed.length} failed` : 'no turbo summary'}\n`);
    return code === 0 && ranAll;
  } catch (err) {
    process.stdout.write(`\n== node ${major}: ${(err as Error).message}\n`);
    return false;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(`Usage: test-node-versions [MAJOR...]   (default: ${DEFAULT_VERSIONS.join(' ')})\n\nRuns the ${PACKAGES.join(', ')} test suites on each Node.js major, installed from the npm registry.\n`);
    return 0;
  }
  const majors = argv.length > 0 ? argv : DEFAULT_VERSIONS;
  const bad = majors.filter((m) => !/^\d+$/.test(m));
  if (bad.length > 0) {
    process.stderr.write(`test-node-versions: ${bad.join(', ')}: give Node.js major versions such as 22 24\n`);
    return 2;
  }
  const failed: string[] = [];
  for (const m of majors) if (!(await testOnNode(process.cwd(), m))) failed.push(m);
  process.stdout.write(`\n== Node.js ${majors.join(', ')}: ${failed.length === 0 ? 'all passed' : `failed on ${failed.join(', ')}`}\n`);
  return failed.length === 0 ? 0 : 1;
}
