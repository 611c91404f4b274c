/**
 * @module redis-server
 * A throwaway redis-server for scenarios that must stop, restart or lock down their Redis (never the
 * shared one on 6379): on 127.0.0.1 and a port of the test's choosing, without persistence, killed
 * by stopAll() like every spawned process.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { spawnProcess, type Spawned } from './processes';
import { serviceAvailable } from './services';
import { waitFor } from './wait';

export interface RedisServerOptions {
  port: number;
  /** Working directory of the server (default: the test's cwd; nothing is written without persistence). */
  dir?: string;
  /** Started with `--requirepass`. */
  password?: string;
  /** How long to wait for it to accept connections (default: waitFor's). */
  timeoutMs?: number;
}

/**
 * True when the `redis-server` binary is installed; otherwise prints
 * `SKIPPED: redis-server is not installed; <what> is skipped` and returns false, or throws under
 * CI=true, where a missing service is a failure. Synchronous, so it can choose `describe.skip`.
 */
export function requireRedisServerBinary(what: string): boolean {
  if (spawnSync('redis-server', ['--version']).status === 0) return true;
  const msg = 'redis-server is not installed';
  if (process.env.CI === 'true') throw new Error(`${msg} (CI=true: a missing service is a failure, not a skip)`);
  process.stdout.write(`SKIPPED: ${msg}; ${what} is skipped\n`);
  return false;
}

/** Starts a redis-server and resolves once it accepts connections; rejects with its output if it exits first. */
export async function startRedisServer(o: RedisServerOptions): Promise<Spawned> {
  const args = ['--port', String(o.port), '--bind', '127.0.0.1'];
  if (o.password !== undefined) args.push('--requirepass', o.password);
  args.push('--save', '', '--appendonly', 'no');
  if (o.dir !== undefined) args.push('--dir', o.dir);
  const p = spawnProcess('redis-server', args);
  const state = await waitFor(
    `redis-server on port ${o.port}`,
    async () => (p.child.exitCode !== null ? 'exited' : (await serviceAvailable('127.0.0.1', o.port, 200)) && 'up'),
    { timeoutMs: o.timeoutMs },
  );
  if (state === 'exited') {
    // Its last words may still be in the pipes when the exit is seen: wait (briefly) for them.
    const drained = (p.child.stdout?.closed ?? true) && (p.child.stderr?.closed ?? true);
    if (!drained) await Promise.race([once(p.child, 'close'), new Promise((r) => setTimeout(r, 500).unref())]);
    throw new Error(`redis-server exited:\n${p.output()}`);
  }
  return p;
}
