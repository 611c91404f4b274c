/**
 * @module lib/processes
 * Process supervision: children in their own process group (so a stop reaches everything they
 * spawned), liveness that ignores zombies, and group termination with SIGTERM → grace → SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { POLL_INTERVAL_MS } from '../defaults';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Shell-style exit code: the code, or 128 + the signal number. */
export function exitCodeOf(e: ExitInfo): number {
  if (e.code !== null) return e.code;
  const signo = e.signal ? (constants.signals[e.signal] ?? 0) : 0;
  return 128 + signo;
}

/** Linux `/proc/<pid>/stat` fields we use: state and process group. */
function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

const hasProc = (): boolean => process.platform === 'linux';

/** True when the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (hasProc()) {
    const st = procStat(pid);
    return st !== undefined && st.state !== 'Z' && st.state !== 'X';
  }
  return true;
}

/** Live (non-zombie) members of process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  if (!Number.isInteger(pgid) || pgid <= 0) return [];
  if (!hasProc()) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const st = procStat(Number(e));
    if (st && st.pgrp === pgid && st.state !== 'Z' && st.state !== 'X') out.push(Number(e));
  }
  return out;
}

/** Sends `signal` to the process group led by `pid`, or to the process when it leads no group. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    signalPid(pid, signal);
  }
}

export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

/** The argv of a process (Linux), or undefined when it cannot be read. */
export function processArgv(pid: number): string[] | undefined {
  if (!hasProc()) return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** The command line of a process (Linux), shortened for messages. */
export function processCommand(pid: number, max = 80): string | undefined {
  const cmd = processArgv(pid)?.join(' ');
  if (cmd === undefined) return undefined;
  return cmd.length > max ? `${cmd.slice(0, max - 3)}...` : cmd;
}

/** Polls until `done()` or the deadline; true when done. */
export async function pollUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_INTERVAL_MS);
  }
}

/** Groups this process started and that may still hold processes. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Last resort when the CLI itself exits abruptly: nothing it started may outlive it. */
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const g of liveGroups) if (groupMembers(g).length > 0) signalGroup(g, 'SIGKILL');
  });
}

function untrackIfGone(pid: number): void {
  if (groupMembers(pid).length === 0) liveGroups.delete(pid);
}

/** A child started in its own process group, with its output handed to `onOutput`. */
export interface Supervised {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited and its output pipes are drained (or 500 ms later). */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** SIGTERM the group, SIGKILL after `graceMs`; true when the group is gone. */
  stop(graceMs: number): Promise<boolean>;
}

export interface SpawnGroupOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
}

/**
 * Starts `command args` in a new process group with stdin closed (a background group that reads
 * the terminal would be stopped by SIGTTIN). Rejects when the command cannot be started at all.
 */
export function spawnGroup(command: string, args: readonly string[], o: SpawnGroupOptions): Promise<Supervised> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: o.cwd,
      env: o.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Windows needs a shell to find npm.cmd and friends; elsewhere argv is exec'd as is, like Dapr.
      shell: process.platform === 'win32',
      windowsHide: true,
    });
    child.stdout?.on('data', (d: Buffer) => o.onOutput('stdout', d));
    child.stderr?.on('data', (d: Buffer) => o.onOutput('stderr', d));
    let done = false;
    const exited = new Promise<ExitInfo>((res) => {
      child.once('exit', (code, signal) => {
        done = true;
        if (child.pid) untrackIfGone(child.pid);
        // Let the pipes drain so the last lines print before we report the exit, but do not wait
        // for grandchildren that inherited the pipes and keep running.
        const t = setTimeout(() => res({ code, signal }), 500);
        child.once('close', () => {
          clearTimeout(t);
          res({ code, signal });
        });
      });
    });
    child.once('error', (err) => {
      if (child.pid === undefined) reject(err);
    });
    child.once('spawn', () => {
      const pid = child.pid as number;
      trackGroup(pid);
      resolve({
        pid,
        child,
        exited,
        hasExited: () => done,
        async stop(graceMs) {
          const gone = (): boolean => done && groupMembers(pid).length === 0;
          if (!gone()) {
            signalGroup(pid, 'SIGTERM');
            if (!(await pollUntil(gone, graceMs))) {
              signalGroup(pid, 'SIGKILL');
              await pollUntil(gone, 2000);
            }
          }
          untrackIfGone(pid);
          return gone();
        },
      });
    });
  });
}
