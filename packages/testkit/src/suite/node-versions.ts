/**
 * @module suite/node-versions
 * `test-node-versions [22 24 ...]`: proves the runtime, the CLI and the dashboard on other Node.js majors than the
 * one running. For each version it installs the `node` package from the npm registry (it ships the
 * binary and the headers) into a temporary prefix, copies the working tree (tracked and untracked,
 * not ignored files) to a temporary folder, runs `npm ci` there with that Node first on PATH (native
 * addons such as better-sqlite3 are built against its headers), then the runtime, CLI and dashboard unit and
 * integration tests. Everything temporary is removed afterwards.
 *
 * The copies are prepared for all majors at once (installing Node.js and `npm ci`, which compiles the
 * native addons for that Node.js: mostly waiting on the registry or on one compiler process), each
 * with its output held back and printed whole; the suites then run one major after the other on an
 * otherwise idle machine. The copy's build restores the original's cached build outputs where their
 * sources are identical (./turbo-cache), since those files do not depend on the Node.js version.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { latestTurboSummary } from './summary';
import { seedBuildCache } from './turbo-cache';

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

/** Where a step's output goes: the terminal, or a buffer printed later (preparations running side by side). */
type Sink = string[] | undefined;

function say(sink: Sink, text: string): void {
  if (sink) sink.push(text);
  else process.stdout.write(text);
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; label: string; sink?: Sink }): Promise<number> {
  say(opts.sink, `\n== ${opts.label}: ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: opts.sink ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const keep = (d: Buffer) => opts.sink?.push(d.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', () => resolve(127));
    // 'close' comes once the output is read; should something the step started keep a pipe open, go on anyway.
    child.on('exit', (code) => setTimeout(() => resolve(code ?? 1), 5000).unref());
    child.on('close', (code) => resolve(code ?? 1));
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
export async function installNode(major: string, prefix: string, sink?: Sink): Promise<NodeInstall> {
  mkdirSync(prefix, { recursive: true });
  // The package's preinstall script fetches the platform package that holds the binary.
  writeFileSync(join(prefix, 'package.json'), JSON.stringify({ private: true, allowScripts: { node: true } }));
  const code = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `node@${major}`], { cwd: prefix, label: `node ${major}`, sink });
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

/** A copy of the repository installed for one Node.js major, ready for its suites. */
export interface Prepared {
  major: string;
  /** Temporary folder holding the Node.js install and the copy (removed by cleanUp). */
  work: string;
  copy?: string;
  env?: NodeJS.ProcessEnv;
  label: string;
  /** The preparation's output, to print when it is this major's turn. */
  log: string[];
  ok: boolean;
}

/** Installs node@<major>, copies `repo` and runs `npm ci` in the copy with that Node.js; never throws. */
export async function prepare(repo: string, major: string): Promise<Prepared> {
  const work = mkdtempSync(join(tmpdir(), `minidapr-node${major}-`));
  const p: Prepared = { major, work, label: `node ${major}`, log: [], ok: false };
  const started = Date.now();
  try {
    const node = await installNode(major, join(work, 'node'), p.log);
    const copy = join(work, 'repo');
    const files = copyWorkingTree(repo, copy);
    const seeded = seedBuildCache(repo, copy);
    p.log.push(`\n== node ${major}: ${node.version}, ${files} files copied, ${seeded} cached build outputs reused\n`);
    p.env = { ...process.env, PATH: `${node.binDir}${delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: node.nodedir };
    p.label = `node ${node.version}`;
    if ((await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: copy, env: p.env, label: p.label, sink: p.log })) !== 0) {
      p.log.push(`\n== ${p.label}: npm ci failed\n`);
      return p;
    }
    p.copy = copy;
    p.ok = true;
  } catch (err) {
    p.log.push(`\n== node ${major}: ${(err as Error).message}\n`);
  } finally {
    p.log.push(`\n== ${p.label}: prepared in ${Math.round((Date.now() - started) / 1000)} s\n`);
  }
  return p;
}

/** Runs the suites in a prepared copy; resolves true when all passed. */
export async function runSuites(p: Prepared): Promise<boolean> {
  if (!p.ok || !p.copy) return false;
  const filters = PACKAGES.map((pkg) => `--filter=${pkg}`);
  const started = Date.now();
  const code = await run('npx', ['turbo', 'run', 'test', 'test:integration', ...filters, '--concurrency=1', '--continue=always', '--summarize'], { cwd: p.copy, env: p.env, label: p.label });
  const tasks = latestTurboSummary(p.copy, started);
  const ranAll = tasks !== undefined && tasks.ran === tasks.total && tasks.failed.length === 0;
  process.stdout.write(`\n== ${p.label}: ${tasks ? `${tasks.ran} of ${tasks.total} tasks ran, ${tasks.failed.length} failed` : 'no turbo summary'}\n`);
  return code === 0 && ranAll;
}

export function cleanUp(p: Prepared): void {
  rmSync(p.work, { recursive: true, force: true });
}

/** Installs and tests in a copy of `repo` on one Node.js major; resolves true when all passed. */
export async function testOnNode(repo: string, major: string): Promise<boolean> {
  const p = await prepare(repo, major);
  try {
    process.stdout.write(p.log.join(''));
    return await runSuites(p);
  } finally {
    cleanUp(p);
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
  // Every copy is prepared before any suite starts: the suites time things and get the cores alone.
  const prepared = await Promise.all(majors.map((m) => prepare(process.cwd(), m)));
  try {
    for (const p of prepared) {
      process.stdout.write(p.log.join(''));
      if (!(await runSuites(p))) failed.push(p.major);
      cleanUp(p);
    }
  } finally {
    prepared.forEach(cleanUp);
  }
  process.stdout.write(`\n== Node.js ${majors.join(', ')}: ${failed.length === 0 ? 'all passed' : `failed on ${failed.join(', ')}`}\n`);
  return failed.length === 0 ? 0 : 1;
}
