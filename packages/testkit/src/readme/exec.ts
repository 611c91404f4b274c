// Running one code block: its own process group (detached), live output capture, timeout with
// SIGTERM -> grace -> SIGKILL to the whole group, and a registry that cleans up every group on any exit path.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export type OutputStream = 'stdout' | 'stderr';

export interface CommandResult {
  /** Exit code of the shell, or null when it was killed by a signal (or never started). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** It ran past its timeout and its process group was killed. */
  timedOut: boolean;
  /** It was still running when the runner terminated it (recipe stopped, interrupted, cleanup). */
  terminated: boolean;
  /** Spawn failure (e.g. shell not found). */
  error?: string;
  durationMs: number;
}

export interface StartOptions {
  /** Shell argv prefix, e.g. ['bash', '-c']; the script is appended as the last argument. */
  shell: readonly string[];
  script: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kill the process group after this long (0 or Infinity: never). */
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs: number;
  onOutput?: (stream: OutputStream, chunk: string) => void;
  registry?: ProcessGroupRegistry;
}

const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Process-group liveness. kill(-pgid, 0) also succeeds for zombies, and orphaned zombies are never
// reaped when PID 1 is not a real init (common in containers), so on Linux we look at /proc and
// ignore zombie members; elsewhere we fall back to kill(-pgid, 0).

function procState(pid: number): { state: string; pgrp: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

let procAvailable: boolean | undefined;
function hasProc(): boolean {
  if (procAvailable === undefined) procAvailable = procState(process.pid) !== null;
  return procAvailable;
}

/** Pids of the non-zombie members of a process group (Linux), or null when /proc is unavailable. */
export function processGroupMembers(pgid: number): number[] | null {
  if (!hasProc()) return null;
  const members: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const st = procState(Number(entry));
    if (st && st.pgrp === pgid && st.state !== 'Z' && st.state !== 'X') members.push(Number(entry));
  }
  return members;
}

/** True when a process with this pid exists and is not a zombie. */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const st = hasProc() ? procState(pid) : null;
  return st === null ? !hasProc() : st.state !== 'Z' && st.state !== 'X';
}

export function isProcessGroupAlive(pgid: number): boolean {
  const members = processGroupMembers(pgid);
  if (members !== null) return members.length > 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Stops a process group, the way mechanical-markdown stops a command (SIGTERM to the shell it
 * started) but without leaving anything behind: SIGTERM goes to the group leader first, so a
 * supervisor such as `dapr run` can shut its children down in order and exit with its own code;
 * once the leader has exited, or half the grace period has passed, the rest of the group gets
 * SIGTERM too, and whatever is left at the end of the grace period gets SIGKILL.
 * Resolves once the group is gone (or ~2 s after SIGKILL).
 */
export async function killProcessGroup(pgid: number, graceMs: number): Promise<'gone' | 'terminated' | 'killed'> {
  if (!isProcessGroupAlive(pgid)) return 'gone';
  const start = Date.now();
  const deadline = start + graceMs;
  const groupAt = start + graceMs / 2;
  let groupSignalled = false;
  const signalRest = (): void => {
    groupSignalled = true;
    signalGroup(pgid, 'SIGTERM');
    signalGroup(pgid, 'SIGCONT'); // a stopped process only acts on SIGTERM once continued
  };
  if (isProcessRunning(pgid)) {
    signalPid(pgid, 'SIGTERM');
    signalPid(pgid, 'SIGCONT');
  } else {
    signalRest();
  }
  while (Date.now() < deadline) {
    await sleepMs(Math.min(50, Math.max(1, deadline - Date.now())));
    if (!isProcessGroupAlive(pgid)) return 'terminated';
    if (!groupSignalled && (Date.now() >= groupAt || !isProcessRunning(pgid))) signalRest();
  }
  signalGroup(pgid, 'SIGKILL');
  const killDeadline = Date.now() + 2000;
  while (Date.now() < killDeadline && isProcessGroupAlive(pgid)) await sleepMs(20);
  return 'killed';
}

function blockMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Synchronous variant for `process.on('exit')` and fatal-error handlers, where nothing async can run. */
export function killProcessGroupsSync(pgids: readonly number[], graceMs: number): void {
  const alive = pgids.filter(isProcessGroupAlive);
  if (alive.length === 0) return;
  for (const pgid of alive) {
    signalGroup(pgid, 'SIGTERM');
    signalGroup(pgid, 'SIGCONT');
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive.some(isProcessGroupAlive)) blockMs(50);
  for (const pgid of alive) if (isProcessGroupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
}

// ---------------------------------------------------------------------------------------------

/** Every process group started by the runner in this process, so any exit path can clean up. */
export class ProcessGroupRegistry {
  private readonly groups = new Set<number>();
  private hooksInstalled = false;
  /** Grace used by the exit hooks. */
  killGraceMs = 10_000;

  add(pgid: number): void {
    this.groups.add(pgid);
  }

  delete(pgid: number): void {
    this.groups.delete(pgid);
  }

  list(): number[] {
    return [...this.groups];
  }

  /** Terminates the given groups (default: all) in parallel and forgets them. */
  async killAll(graceMs: number, pgids: readonly number[] = this.list()): Promise<void> {
    await Promise.all(pgids.map((pgid) => killProcessGroup(pgid, graceMs)));
    for (const pgid of pgids) this.groups.delete(pgid);
  }

  killAllSync(graceMs: number): void {
    const pgids = this.list();
    killProcessGroupsSync(pgids, graceMs);
    for (const pgid of pgids) this.groups.delete(pgid);
  }

  /** Last-resort cleanup when the process exits or dies from an uncaught error. Idempotent. */
  installExitHooks(): void {
    if (this.hooksInstalled) return;
    this.hooksInstalled = true;
    process.on('exit', () => this.killAllSync(this.killGraceMs));
    const fatal = (err: unknown): void => {
      process.stderr.write(`run-readme: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      this.killAllSync(this.killGraceMs);
      process.exit(2);
    };
    process.on('uncaughtException', fatal);
    process.on('unhandledRejection', fatal);
  }
}

export const defaultRegistry = new ProcessGroupRegistry();

// ---------------------------------------------------------------------------------------------

/** After the shell exits, how long to wait for its stdout/stderr to reach EOF (a leftover child may hold them open). */
const DRAIN_MS = 500;

export class RunningCommand {
  readonly child: ChildProcess;
  /** Process group id (= pid of the shell); undefined if the spawn failed. */
  readonly pgid: number | undefined;
  readonly startedAt = Date.now();
  endedAt: number | undefined;
  stdout = '';
  stderr = '';
  /** Both output streams reached EOF: no more output can arrive. */
  outputClosed = false;
  result: CommandResult | undefined;
  readonly done: Promise<CommandResult>;

  private timedOut = false;
  private terminated = false;
  private exitCode: number | null = null;
  private signal: NodeJS.Signals | null = null;
  private exited = false;
  private timer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private resolveDone!: (r: CommandResult) => void;
  private killing: Promise<unknown> | undefined;

  constructor(private readonly options: StartOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const [file, ...args] = options.shell;
    this.child = spawn(file ?? 'bash', [...args, options.script], {
      cwd: options.cwd,
      env: options.env,
      detached: true, // own process group, so the whole tree can be signalled
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pgid = this.child.pid;
    if (this.pgid !== undefined) options.registry?.add(this.pgid);

    for (const stream of ['stdout', 'stderr'] as const) {
      const s = this.child[stream];
      s?.setEncoding('utf8');
      s?.on('data', (chunk: string) => {
        this[stream] += chunk;
        options.onOutput?.(stream, chunk);
      });
    }
    this.child.on('error', (err) => {
      if (this.pgid === undefined || !this.exited) this.finish(err.message);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      this.exitCode = code;
      this.signal = signal;
      this.endedAt = Date.now();
      this.drainTimer = setTimeout(() => this.finish(), DRAIN_MS);
    });
    this.child.on('close', () => {
      this.outputClosed = true;
      this.finish();
    });
    if (options.timeoutMs > 0 && Number.isFinite(options.timeoutMs)) {
      this.timer = setTimeout(() => {
        if (this.result) return;
        this.timedOut = true;
        void this.killGroup();
      }, options.timeoutMs);
    }
  }

  get finished(): boolean {
    return this.result !== undefined;
  }

  private killGroup(): Promise<unknown> {
    if (this.pgid === undefined) return Promise.resolve();
    this.killing ??= killProcessGroup(this.pgid, this.options.killGraceMs);
    return this.killing;
  }

  private finish(error?: string): void {
    if (this.result) return;
    if (this.timer) clearTimeout(this.timer);
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.endedAt ??= Date.now();
    this.result = {
      exitCode: this.exitCode,
      signal: this.signal,
      timedOut: this.timedOut,
      terminated: this.terminated,
      durationMs: this.endedAt - this.startedAt,
      ...(error !== undefined ? { error } : {}),
    };
    this.resolveDone(this.result);
  }

  /** Stops the command now (SIGTERM to its group, SIGKILL after the grace period) and waits for it. */
  async terminate(): Promise<CommandResult> {
    if (!this.result && !this.timedOut) this.terminated = true;
    await this.killGroup();
    return this.done;
  }

  /** Kills whatever is left in the group (e.g. a daemon started with `&`), then stops listening to the pipes. */
  async cleanup(graceMs: number): Promise<void> {
    if (this.pgid !== undefined) {
      if (!this.result) this.terminated = true;
      await killProcessGroup(this.pgid, graceMs);
      this.options.registry?.delete(this.pgid);
    }
    if (!this.result) await Promise.race([this.done, sleepMs(DRAIN_MS)]);
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.finish();
  }
}

export function startCommand(options: StartOptions): RunningCommand {
  return new RunningCommand(options);
}
