/**
 * @module upstream/sandbox
 * One original README's private world: a copy of its quickstart folder, a fresh MINIDAPR_HOME on
 * which `minidapr init` has run (what `dapr init` did on upstream CI before `make validate`), and a
 * bin directory first on PATH with `dapr` (forwards to this workspace's minidapr CLI) and `docker`
 * (the shim in docker-shim.ts). A README that stops and starts a Redis container gets a
 * redis-server of its own, and its Redis components in the copy point there
 * (startPrivateServers). Cleaning up stops whatever the README left running.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { freePort } from '../ports';
import { STATE_ENV } from './docker-shim';
import { definePrivateRedis, listPrivateRedis, startPrivateRedis, stopPrivateRedis } from './private-redis';
import { copyQuickstart, type UpstreamReadme } from './quickstarts';

/** Where the programs the shims forward to live. */
export interface Tools {
  node: string;
  /** The minidapr CLI entry (packages/cli/bin/minidapr.js). */
  minidapr: string;
  /** The docker shim entry (packages/testkit/bin/upstream-docker-shim.js). */
  dockerShim: string;
}

/** Finds this workspace's minidapr CLI; throws with the build command when it is not built. */
export function resolveTools(): Tools {
  let cliDir: string;
  try {
    cliDir = dirname(require.resolve('@minidapr/cli/package.json'));
  } catch {
    cliDir = resolve(__dirname, '..', '..', '..', 'cli');
  }
  const minidapr = join(cliDir, 'bin', 'minidapr.js');
  if (!existsSync(minidapr) || !existsSync(join(cliDir, 'dist', 'index.js'))) {
    throw new Error(`the minidapr CLI is not built (${cliDir}); run: npx turbo run build --filter=@minidapr/cli`);
  }
  return { node: process.execPath, minidapr, dockerShim: resolve(__dirname, '..', '..', 'bin', 'upstream-docker-shim.js') };
}

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** A `#!/bin/sh` script that execs `node <entry> "$@"`. */
export function forwarderScript(node: string, entry: string): string {
  return `#!/bin/sh\nexec ${shQuote(node)} ${shQuote(entry)} "$@"\n`;
}

export interface Sandbox {
  root: string;
  /** The README inside the copy. */
  readme: string;
  home: string;
  bin: string;
  dockerState: string;
  /** Environment for run-readme: PATH with the shims first, MINIDAPR_HOME, the docker shim state. */
  env: NodeJS.ProcessEnv;
}

export function createSandbox(checkout: string, entry: UpstreamReadme, tools: Tools, baseEnv: NodeJS.ProcessEnv = process.env): Sandbox {
  const root = mkdtempSync(join(tmpdir(), `minidapr-upstream-${entry.id.replace(/[^A-Za-z0-9]+/g, '-')}-`));
  copyQuickstart(checkout, entry, root);
  const home = join(root, '.minidapr-home');
  const bin = join(root, '.bin');
  const dockerState = join(root, '.docker-shim');
  mkdirSync(bin);
  for (const [name, target] of [['dapr', tools.minidapr], ['docker', tools.dockerShim]] as const) {
    writeFileSync(join(bin, name), forwarderScript(tools.node, target));
    chmodSync(join(bin, name), 0o755);
  }
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    PATH: [bin, baseEnv.PATH ?? ''].filter(Boolean).join(delimiter),
    MINIDAPR_HOME: home,
    [STATE_ENV]: dockerState,
  };
  delete env.MINIDAPR_TEST_TOTALS;
  return { root, readme: join(root, entry.readme), home, bin, dockerState, env };
}

/**
 * Points a Redis component (a file of the copy) at `host`: the value of its `redisHost` metadata
 * item is replaced, everything else is kept. Throws when the file has no `redisHost` item.
 */
export function pointRedisComponent(file: string, host: string): void {
  const text = readFileSync(file, 'utf8');
  const items = parseDocument(text).getIn(['spec', 'metadata']);
  const item = isSeq(items) ? items.items.find((i) => isMap(i) && i.get('name') === 'redisHost') : undefined;
  const value: unknown = isMap(item) ? item.get('value', true) : undefined;
  if (!isScalar(value) || !value.range) throw new Error(`${file}: no spec.metadata item named redisHost to point at the sandbox's Redis`);
  // Only the value's own characters change; the file keeps its layout.
  const [start, end] = value.range;
  writeFileSync(file, `${text.slice(0, start)}${host}${text.slice(end)}`);
}

/**
 * What the README needs running besides minidapr: for `privateRedis`, a redis-server of the
 * sandbox's own on a free port (`port` for tests), registered as the container for the docker
 * shim, with the listed components of the copy pointed at it. Resolves once it accepts connections.
 */
export async function startPrivateServers(sandbox: Sandbox, entry: UpstreamReadme, port?: number): Promise<void> {
  if (entry.privateRedis === undefined) return;
  const redis = definePrivateRedis(sandbox.dockerState, entry.privateRedis.container, port ?? (await freePort()));
  for (const component of entry.privateRedis.components) pointRedisComponent(join(sandbox.root, component), `localhost:${redis.port}`);
  await startPrivateRedis(redis);
}

/** Stops every private server of the sandbox that still runs (the README may have stopped it). */
export async function stopPrivateServers(sandbox: Sandbox): Promise<void> {
  for (const redis of listPrivateRedis(sandbox.dockerState)) await stopPrivateRedis(redis);
}

/** Runs `dapr <args>` (that is, minidapr) in the sandbox; resolves with its output. */
export function dapr(sandbox: Sandbox, args: string[], timeoutMs = 60_000): { code: number | null; output: string } {
  const r = spawnSync(join(sandbox.bin, 'dapr'), args, { env: sandbox.env, cwd: sandbox.root, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

/** `dapr init` as upstream CI runs it before the READMEs; throws with its output when it fails. */
export function initHome(sandbox: Sandbox): void {
  const r = dapr(sandbox, ['init']);
  if (r.code !== 0) throw new Error(`'dapr init' (minidapr init) failed with exit code ${String(r.code)}:\n${r.output}`);
}

interface ListedApp {
  appId: string;
  daprdPid?: number;
  cliPid?: number;
  appPid?: number;
}

function listApps(sandbox: Sandbox): ListedApp[] {
  const r = dapr(sandbox, ['list', '-o', 'json']);
  try {
    const rows = JSON.parse(r.output) as unknown;
    return Array.isArray(rows) ? (rows as ListedApp[]) : [];
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killTree(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // not a group leader, or already gone
    }
  }
}

/**
 * Stops what the README left running in this home: `dapr stop --app-id` for every app still
 * listed, then SIGTERM/SIGKILL for any of their processes still alive. Returns the app ids found.
 */
export async function stopLeftovers(sandbox: Sandbox): Promise<string[]> {
  const apps = listApps(sandbox);
  for (const app of apps) dapr(sandbox, ['stop', '--app-id', app.appId], 30_000);
  const pids = apps.flatMap((a) => [a.cliPid, a.appPid, a.daprdPid]).filter((p): p is number => typeof p === 'number' && p > 0);
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    const left = pids.filter(alive);
    if (left.length === 0) break;
    for (const pid of left) killTree(pid, signal);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 100));
  }
  return apps.map((a) => a.appId);
}

/** Databases the docker shim created for this sandbox (to drop them afterwards). */
export function shimDatabases(sandbox: Sandbox): string[] {
  if (!existsSync(sandbox.dockerState)) return [];
  return readdirSync(sandbox.dockerState)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.redis.json'))
    .map((f) => (JSON.parse(readFileSync(join(sandbox.dockerState, f), 'utf8')) as { database?: string }).database ?? '')
    .filter((db) => db !== '' && db !== 'postgres');
}

/** Drops the shim's databases (best effort) and removes the sandbox directory. */
export function removeSandbox(sandbox: Sandbox): void {
  for (const db of shimDatabases(sandbox)) {
    spawnSync('psql', ['-h', sandbox.env.PGHOST || '127.0.0.1', '-p', sandbox.env.PGPORT || '5432', '-U', 'postgres', '-d', 'postgres', '-q', '-c', `DROP DATABASE IF EXISTS "${db.replace(/"/g, '""')}" WITH (FORCE)`], {
      env: sandbox.env,
      stdio: 'ignore',
      timeout: 30_000,
    });
  }
  rmSync(sandbox.root, { recursive: true, force: true });
}
