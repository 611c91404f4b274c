/**
 * @module processes
 * Child processes that tests start: each in its own process group, output captured, and every one
 * killed (group-wide) by stopAll() even when a test fails.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { waitFor } from './wait';

export interface Spawned {
  child: ChildProcess;
  pid: number;
  output(): string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until the combined output contains the text (or matches the pattern). */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const live = new Set<Spawned>();

export function spawnProcess(command: string, args: string[], opts: SpawnOptions = {}): Spawned {
  const child = spawn(command, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: -1, signal: null }));
  });
  let done = false;
  void exited.then(() => (done = true));
  const s: Spawned = {
    child,
    pid: child.pid ?? -1,
    output: () => out + err,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForOutput(text, timeoutMs = 10000) {
      await waitFor(`output ${String(text)} from ${command} ${args.join(' ')}\n--- output so far ---\n${out}${err}`, () =>
        typeof text === 'string' ? (out + err).includes(text) : text.test(out + err),
      { timeoutMs });
    },
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      live.delete(s);
      if (done || !child.pid) return;
      killGroup(child.pid, signal);
      const t = setTimeout(() => killGroup(child.pid as number, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
      killGroup(child.pid, 'SIGKILL'); // anything left in the group
    },
  };
  live.add(s);
  return s;
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Stops every process started through this module (call in afterAll/afterEach). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((s) => s.stop()));
}
