/**
 * @module upstream/private-redis
 * The Redis "container" of a README that stops and starts one (the service-to-component resiliency
 * tutorial's `docker stop dapr_redis` / `docker start dapr_redis`). It is never the machine's shared
 * Redis: each sandbox gets a redis-server of its own on a free port, and the README's component
 * points there. The server is daemonized (no process of ours is its parent, so the short-lived
 * docker shim can stop and start it), and its record, `<container>.redis.json` in the docker shim's
 * state directory, says on which port and where its files go. Like the redis image without a
 * config file, it saves its data on shutdown and loads it on start.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceAvailable } from '../services';

export interface PrivateRedis {
  /** The container name the README uses (e.g. dapr_redis). */
  container: string;
  port: number;
  /** Working directory of the server: its pid file, log and dump. */
  dir: string;
}

const RECORD_SUFFIX = '.redis.json';

export function recordPath(stateDir: string, container: string): string {
  return join(stateDir, `${container}${RECORD_SUFFIX}`);
}

/** Registers the container (without starting it): creates its directory and record. */
export function definePrivateRedis(stateDir: string, container: string, port: number): PrivateRedis {
  const redis: PrivateRedis = { container, port, dir: join(stateDir, container) };
  mkdirSync(redis.dir, { recursive: true });
  writeFileSync(recordPath(stateDir, container), JSON.stringify(redis));
  return redis;
}

/** The container's record, or undefined when the sandbox has no such Redis container. */
export function readPrivateRedis(stateDir: string, container: string): PrivateRedis | undefined {
  const file = recordPath(stateDir, container);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as PrivateRedis;
}

/** Every Redis container registered in the state directory. */
export function listPrivateRedis(stateDir: string): PrivateRedis[] {
  if (!existsSync(stateDir)) return [];
  return readdirSync(stateDir)
    .filter((f) => f.endsWith(RECORD_SUFFIX))
    .map((f) => JSON.parse(readFileSync(join(stateDir, f), 'utf8')) as PrivateRedis);
}

const pidFile = (r: PrivateRedis): string => join(r.dir, 'redis.pid');
const logFile = (r: PrivateRedis): string => join(r.dir, 'redis.log');

/** True when the process exists and is not a zombie (an orphan's exit may go unreaped for a while). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The pid of the server when it runs. */
export function privateRedisPid(r: PrivateRedis): number | undefined {
  if (!existsSync(pidFile(r))) return undefined;
  const pid = Number(readFileSync(pidFile(r), 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && running(pid) ? pid : undefined;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function lastLines(file: string, n = 15): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n') : '(no log)';
}

/**
 * Starts the server (`docker start`): a no-op when it runs already. Resolves once it accepts
 * connections; rejects with the end of its log when it does not within `timeoutMs`.
 */
export async function startPrivateRedis(r: PrivateRedis, timeoutMs = 15_000): Promise<void> {
  if (privateRedisPid(r) !== undefined) return;
  mkdirSync(r.dir, { recursive: true });
  const args = ['--port', String(r.port), '--bind', '127.0.0.1', '--dir', r.dir, '--appendonly', 'no'];
  args.push('--daemonize', 'yes', '--pidfile', pidFile(r), '--logfile', logFile(r));
  const launched = spawnSync('redis-server', args, { encoding: 'utf8', timeout: timeoutMs });
  if (launched.error || launched.status !== 0) {
    throw new Error(`cannot start redis-server for ${r.container}: ${launched.error?.message ?? `exit ${String(launched.status)}`} ${launched.stderr ?? ''}`.trim());
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (privateRedisPid(r) !== undefined && (await serviceAvailable('127.0.0.1', r.port, 200))) return;
    if (Date.now() > deadline) throw new Error(`redis-server for ${r.container} on port ${r.port} did not come up within ${timeoutMs} ms:\n${lastLines(logFile(r))}`);
    await pause(50);
  }
}

/** Stops the server (`docker stop`): SIGTERM (it saves, then exits), SIGKILL after `graceMs`. No-op when stopped. */
export async function stopPrivateRedis(r: PrivateRedis, graceMs = 10_000): Promise<void> {
  const pid = privateRedisPid(r);
  if (pid === undefined) return;
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(pid, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (running(pid) && Date.now() < deadline) await pause(50);
  if (running(pid)) {
    signal('SIGKILL');
    const killDeadline = Date.now() + 5000;
    while (running(pid) && Date.now() < killDeadline) await pause(50);
  }
  if (running(pid)) throw new Error(`redis-server for ${r.container} (pid ${pid}) did not stop`);
}
