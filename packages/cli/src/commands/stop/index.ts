/**
 * @module commands/stop
 * `minidapr stop --app-id X` / `minidapr stop -f <file|dir>`: stop apps and sidecars found in the
 * instance registry, reliably: SIGTERM the supervising CLI (or the process groups), escalate to
 * SIGKILL, then verify that no pid survives and every port is free again (dapr/cli#1184, #1292).
 * As with `dapr stop`, finding nothing to stop is reported on stderr with exit code 0.
 */
import { readlinkSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_STOP_GRACE_S, POLL_INTERVAL_MS, PORT_RELEASE_TIMEOUT_MS, STOP_GRACE_ENV, secondsFromEnv } from '../../defaults';
import { ConfigError, ExitError } from '../../errors';
import { resolveHome } from '../../lib/home';
import { runningApps, type RunningApp } from '../../lib/instances';
import { isRecordedLaunch } from '../../lib/launches';
import { processOutput, type Output } from '../../lib/output';
import { canBind, findPortOwner } from '../../lib/ports';
import { groupMembers, isAlive, pollUntil, processArgv, signalGroup, signalPid, sleep } from '../../lib/processes';
import { ownerSuffix, stopMessages as M } from '../../messages';
import { resolveRunFilePath } from '../run/run-file';

export interface StopOptions {
  appId?: string;
  runFile?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

function samePath(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync.native(p);
    } catch {
      return p;
    }
  };
  return a === b || real(a) === real(b);
}

/**
 * A registry cliPID is only signalled while it still is a minidapr CLI (pids get reused). One of
 * its arguments names the CLI, directly or through a symlink with another name (`~/bin/dapr`).
 */
function isMinidaprCli(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const argv = processArgv(pid);
  if (argv === undefined) return true;
  let cwd = '/';
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    /* relative arguments then resolve from / and simply do not match */
  }
  return argv.some((arg) => {
    if (arg.includes('minidapr')) return true;
    try {
      return realpathSync(resolve(cwd, arg)).includes('minidapr');
    } catch {
      return false;
    }
  });
}

/** Processes (and process groups) that must be gone for an app to count as stopped. */
function survivors(a: RunningApp): string[] {
  const left: string[] = [];
  if (isAlive(a.daprdPid)) left.push(M.pidAlive('sidecar', a.daprdPid));
  if (a.appPid) {
    const members = groupMembers(a.appPid);
    if (isAlive(a.appPid)) left.push(M.pidAlive('app', a.appPid));
    for (const p of members) if (p !== a.appPid) left.push(M.pidAlive('app child', p));
  }
  return left;
}

/** The ports an app held that must be free again (the app port only when minidapr started the app). */
function portsOf(a: RunningApp): number[] {
  const ports = [a.httpPort, a.internalPort];
  if (a.metricsPort) ports.push(a.metricsPort);
  if (a.appPid && a.appPort) ports.push(a.appPort);
  return ports;
}

async function busyPorts(a: RunningApp): Promise<number[]> {
  const busy: number[] = [];
  for (const p of portsOf(a)) if (!(await canBind(p))) busy.push(p);
  return busy;
}

/** CLIs that supervise only target apps: asking them to stop ends their apps and sidecars cleanly. */
function supervisingClis(targets: RunningApp[], all: RunningApp[]): Set<number> {
  const clis = new Set<number>();
  for (const t of targets) {
    const cli = t.cliPid;
    if (cli && isMinidaprCli(cli) && all.filter((a) => a.cliPid === cli).every((a) => targets.includes(a))) clis.add(cli);
  }
  return clis;
}

/**
 * Apps whose CLI also runs other apps (or whose CLI is gone) are stopped directly: the app's group
 * first; then, once a still-running `run -f` CLI has recorded that the app ended (it clears appPID in
 * the sidecar's metadata; at most 1 s), the sidecar.
 */
async function stopDirectly(direct: RunningApp[], all: () => RunningApp[], graceMs: number): Promise<void> {
  for (const t of direct) if (t.appPid) signalGroup(t.appPid, 'SIGTERM');
  await pollUntil(() => direct.every((t) => !t.appPid || groupMembers(t.appPid).length === 0), graceMs);
  const watched = direct.filter((t) => t.appPid && t.cliPid !== undefined && isAlive(t.cliPid));
  if (watched.length > 0) {
    await pollUntil(() => {
      const now = all();
      return watched.every((t) => !now.find((a) => a.daprdPid === t.daprdPid)?.appPid);
    }, 1000);
  }
  for (const t of direct) if (isAlive(t.daprdPid)) signalGroup(t.daprdPid, 'SIGTERM');
}

/** What still runs or holds a port once the stop is over, per app. */
async function leftovers(t: RunningApp): Promise<string[]> {
  const left = survivors(t);
  // A port can linger briefly after its process is gone; only a port still held counts.
  const deadline = Date.now() + PORT_RELEASE_TIMEOUT_MS;
  let busy = await busyPorts(t);
  while (busy.length > 0 && Date.now() < deadline) {
    await sleep(POLL_INTERVAL_MS);
    busy = await busyPorts(t);
  }
  for (const p of busy) left.push(M.portBusy(p, ownerSuffix(findPortOwner(p))));
  return left;
}

/** Stops `targets` (a subset of `all`); resolves the apps that did not stop, with what is left. */
async function stopApps(targets: RunningApp[], all: RunningApp[], home: string, graceMs: number): Promise<Map<RunningApp, string[]>> {
  const clis = supervisingClis(targets, all);
  for (const cli of clis) signalPid(cli, 'SIGTERM');
  await stopDirectly(
    targets.filter((t) => !t.cliPid || !clis.has(t.cliPid)),
    () => runningApps(home),
    graceMs,
  );
  const allGone = (): boolean => [...clis].every((p) => !isAlive(p)) && targets.every((t) => survivors(t).length === 0);
  // A CLI needs its own grace period for its children, plus a little to exit.
  if (!(await pollUntil(allGone, graceMs + 3000))) {
    for (const t of targets) {
      if (t.appPid) signalGroup(t.appPid, 'SIGKILL');
      signalGroup(t.daprdPid, 'SIGKILL');
    }
    for (const cli of clis) signalPid(cli, 'SIGKILL');
    await pollUntil(allGone, 2000);
  }
  const failed = new Map<RunningApp, string[]>();
  await Promise.all(
    targets.map(async (t) => {
      const left = await leftovers(t);
      if (left.length > 0) failed.set(t, left);
    }),
  );
  return failed;
}

function report(targets: RunningApp[], failed: Map<RunningApp, string[]>, out: Output, runFile: boolean): void {
  const problems: string[] = [];
  for (const t of targets) {
    const left = failed.get(t);
    if (left) problems.push(...left.map((w) => M.survivor(t.appId, w)));
    else out.out(M.stopped(t.appId));
  }
  if (problems.length > 0) throw new ExitError(1, problems.join('\n'));
  if (runFile) out.out(M.runFileStopped);
}

/**
 * The app and CLI pids in the registry come from PUT /v1.0/metadata, which any API caller can send:
 * keep only those `minidapr run` recorded itself (same pid, same process start time).
 */
function onlyOwnPids(a: RunningApp, home: string): RunningApp {
  const own = (pid: number | undefined) => (pid !== undefined && isRecordedLaunch(home, pid) ? pid : undefined);
  return { ...a, appPid: own(a.appPid), cliPid: own(a.cliPid) };
}

export async function stop(options: StopOptions): Promise<void> {
  const out = options.output ?? processOutput();
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (!options.appId && !options.runFile) throw new ConfigError([M.missingTarget], 'stop');
  const home = resolveHome(env);
  const all = runningApps(home).map((a) => onlyOwnPids(a, home));
  const graceMs = secondsFromEnv(env, STOP_GRACE_ENV, DEFAULT_STOP_GRACE_S) * 1000;
  let targets: RunningApp[];
  if (options.runFile) {
    const file = resolveRunFilePath(options.runFile, cwd);
    targets = all.filter((a) => a.runTemplatePath !== undefined && samePath(a.runTemplatePath, file));
    if (options.appId) targets = targets.filter((a) => a.appId === options.appId);
  } else {
    targets = all.filter((a) => a.appId === options.appId);
  }
  // Nothing to stop is what the user wanted: Dapr says so on stderr and exits 0 (scripts and README
  // clean-up steps run `stop` whether or not the app is still up).
  if (targets.length === 0) {
    out.err(options.runFile ? M.noRunFileApps(resolveRunFilePath(options.runFile, cwd)) : M.notFound(options.appId as string));
    return;
  }
  report(targets, await stopApps(targets, all, home, graceMs), out, options.runFile !== undefined);
}
