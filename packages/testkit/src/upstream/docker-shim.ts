/**
 * @module upstream/docker-shim
 * The `docker` on PATH while an original dapr/quickstarts README runs (see harness.ts). There is no
 * Docker here; the bindings README needs only two things from it, and this shim provides exactly
 * those against the machine's local PostgreSQL, failing loudly on anything else:
 *
 * - `docker compose up -d` in a folder whose compose file has PostgreSQL services: each service's
 *   database (POSTGRES_DB) is dropped and created afresh in the local server, and the `.sql` init
 *   scripts its image would run (Dockerfile `COPY x.sql /docker-entrypoint-initdb.d/`, or a volume
 *   mounted there) are run in it with psql, as the postgres image does on first start.
 * - `docker exec [-i] [-t] <container> psql ARGS...` for a container started that way: runs the
 *   local `psql ARGS...` against the local server.
 *
 * - `docker stop <container>...` / `docker start <container>...` for a Redis container the sandbox
 *   defined (private-redis.ts: the service-to-component resiliency tutorial's `dapr_redis`): stops or
 *   starts that sandbox's own redis-server, never the machine's shared Redis.
 *
 * Started containers are remembered in the directory named by MINIDAPR_DOCKER_SHIM_STATE.
 * The server is PGHOST:PGPORT (default 127.0.0.1:5432), user `postgres` with trust auth.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { devNull } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readPrivateRedis, startPrivateRedis, stopPrivateRedis } from './private-redis';

export const STATE_ENV = 'MINIDAPR_DOCKER_SHIM_STATE';
const INITDB_DIR = '/docker-entrypoint-initdb.d';
const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

/** What a docker command line asks for, or why the shim cannot do it. */
export type DockerCommand =
  | { kind: 'compose-up' }
  | { kind: 'exec-psql'; container: string; args: string[] }
  | { kind: 'stop' | 'start'; containers: string[] }
  | { kind: 'unsupported'; reason: string };

const SUPPORTED =
  "this docker shim only provides 'docker compose up -d' (PostgreSQL services), 'docker exec <container> psql ...' and 'docker stop|start <container>' (the sandbox's own Redis)";

/** Reads a docker argv (without the `docker` itself). */
export function parseDockerArgs(argv: readonly string[]): DockerCommand {
  const unsupported = (why: string): DockerCommand => ({ kind: 'unsupported', reason: `${why}; ${SUPPORTED}` });
  const [cmd, ...rest] = argv;
  if (cmd === 'compose') {
    if (rest.length === 2 && rest[0] === 'up' && (rest[1] === '-d' || rest[1] === '--detach')) return { kind: 'compose-up' };
    return unsupported(`'docker compose ${rest.join(' ')}' is not supported`);
  }
  if (cmd === 'exec') {
    let i = 0;
    while (i < rest.length && ['-i', '-t', '-it', '-ti', '--interactive', '--tty'].includes(rest[i] ?? '')) i++;
    const container = rest[i];
    const program = rest[i + 1];
    if (container === undefined || container.startsWith('-')) return unsupported(`'docker exec ${rest.join(' ')}': no container name, or an option the shim does not know`);
    if (program !== 'psql') return unsupported(`'docker exec ${container} ${rest.slice(i + 1).join(' ')}' runs something other than psql`);
    return { kind: 'exec-psql', container, args: rest.slice(i + 2) };
  }
  if (cmd === 'stop' || cmd === 'start') {
    if (rest.length === 0) return unsupported(`'docker ${cmd}' needs a container name`);
    const option = rest.find((a) => a.startsWith('-'));
    if (option !== undefined) return unsupported(`'docker ${cmd} ${rest.join(' ')}': the option ${option} is not supported`);
    return { kind: cmd, containers: rest };
  }
  return unsupported(`'docker ${argv.join(' ')}' is not supported`);
}

/** A PostgreSQL service of a compose file, as the shim will provide it. */
export interface PostgresService {
  service: string;
  /** container_name, or `<folder>-<service>-1` as compose names it. */
  container: string;
  database: string;
  /** Init scripts, absolute paths, in the order the postgres image runs them (by file name). */
  initScripts: string[];
}

function environmentOf(service: Record<string, unknown>): Record<string, string> {
  const env = service.environment;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const item of env) {
      const [k, ...v] = String(item).split('=');
      if (k) out[k] = v.join('=');
    }
  } else if (env && typeof env === 'object') {
    for (const [k, v] of Object.entries(env)) out[k] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

/** The source paths a Dockerfile COPYs/ADDs into the init directory, and its base image. */
function readDockerfile(file: string): { from: string; initSources: string[] } {
  let from = '';
  const initSources: string[] = [];
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^(FROM|COPY|ADD)\s+(.*)$/i.exec(line);
    if (!m) continue;
    const words = (m[2] ?? '').split(/\s+/).filter((w) => !w.startsWith('--'));
    if ((m[1] ?? '').toUpperCase() === 'FROM') from ||= words[0] ?? '';
    else if (words.length >= 2 && (words[words.length - 1] ?? '').replace(/\/$/, '') === INITDB_DIR) initSources.push(...words.slice(0, -1));
  }
  return { from, initSources };
}

function initScript(path: string, source: string): string {
  if (!existsSync(path)) throw new Error(`init script ${source} does not exist (${path})`);
  if (statSync(path).isDirectory()) throw new Error(`init source ${source} is a directory; only single .sql files are supported`);
  if (!path.endsWith('.sql')) throw new Error(`init script ${source} is not a .sql file; only SQL init scripts are supported`);
  return path;
}

/** The build context and Dockerfile of a compose service (`build: dir` or `build: {context, dockerfile}`), if it has one. */
function buildOf(svc: Record<string, unknown>, dir: string): { context: string; dockerfile: string } | undefined {
  const build = svc.build;
  if (typeof build === 'string') return { context: resolve(dir, build), dockerfile: resolve(dir, build, 'Dockerfile') };
  if (typeof build !== 'object' || build === null) return undefined;
  const { context, dockerfile } = build as { context?: unknown; dockerfile?: unknown };
  const ctx = resolve(dir, typeof context === 'string' ? context : '.');
  return { context: ctx, dockerfile: resolve(ctx, typeof dockerfile === 'string' ? dockerfile : 'Dockerfile') };
}

/** Reads the compose file in `dir`; every service must be PostgreSQL (else an Error saying which is not). */
export function readComposePostgres(dir: string): PostgresService[] {
  const file = COMPOSE_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`no compose file (${COMPOSE_FILES.join(', ')}) in ${dir}`);
  const doc = parseYaml(readFileSync(file, 'utf8')) as { services?: Record<string, Record<string, unknown>> } | null;
  const services = doc?.services;
  if (!services || typeof services !== 'object' || Object.keys(services).length === 0) throw new Error(`${file} declares no services`);
  const result: PostgresService[] = [];
  for (const [name, svc] of Object.entries(services)) {
    const where = `${basename(file)}: service '${name}'`;
    const image = typeof svc.image === 'string' ? svc.image : '';
    const build = buildOf(svc, dir);
    const dockerfile = build ? readDockerfile(build.dockerfile) : { from: '', initSources: [] };
    const context = build?.context ?? dir;
    const base = build ? dockerfile.from : image;
    if (!/^postgres(:|@|$)/.test(base.replace(/^(docker\.io\/)?(library\/)?/, ''))) {
      throw new Error(`${where} is based on '${base || image || 'nothing'}', not the postgres image; only PostgreSQL services can be provided`);
    }
    for (const port of Array.isArray(svc.ports) ? svc.ports : []) {
      const hostPort = String(port).split(':').slice(-2, -1)[0];
      if (hostPort !== undefined && hostPort !== '5432') throw new Error(`${where} publishes port ${String(port)}; the local PostgreSQL listens on 5432 only`);
    }
    const env = environmentOf(svc);
    const scripts = dockerfile.initSources.map((s) => initScript(resolve(context, s), s));
    for (const volume of Array.isArray(svc.volumes) ? svc.volumes : []) {
      const [src, target] = String(volume).split(':');
      if (src !== undefined && target !== undefined && target.startsWith(INITDB_DIR)) scripts.push(initScript(resolve(dir, src), src));
    }
    result.push({
      service: name,
      container: typeof svc.container_name === 'string' ? svc.container_name : `${basename(dir)}-${name}-1`,
      database: env.POSTGRES_DB || env.POSTGRES_USER || 'postgres',
      initScripts: scripts.sort((a, b) => basename(a).localeCompare(basename(b))),
    });
  }
  return result;
}

export interface ShimIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Runs psql with these arguments; resolves with its exit code. Default: the local psql binary, output passed through. */
  psql?: (args: string[]) => number;
}

function pgConnection(env: NodeJS.ProcessEnv): string[] {
  return ['-h', env.PGHOST || '127.0.0.1', '-p', env.PGPORT || '5432'];
}

function defaultPsql(env: NodeJS.ProcessEnv): (args: string[]) => number {
  return (args) => {
    const r = spawnSync('psql', args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.error) throw new Error(`cannot run psql: ${r.error.message}`);
    return r.status ?? 1;
  };
}

function stateDir(env: NodeJS.ProcessEnv): string {
  const dir = env[STATE_ENV];
  if (!dir) throw new Error(`${STATE_ENV} is not set (the harness sets it)`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `docker stop|start NAME...` on the sandbox's Redis containers: prints each name as docker does. */
async function stopOrStart(command: { kind: 'stop' | 'start'; containers: string[] }, io: ShimIo): Promise<number> {
  const state = stateDir(io.env);
  let code = 0;
  for (const name of command.containers) {
    const redis = readPrivateRedis(state, name);
    if (redis === undefined) {
      io.stderr(`Error response from daemon: No such container: ${name}\n`);
      code = 1;
      continue;
    }
    if (command.kind === 'stop') await stopPrivateRedis(redis);
    else await startPrivateRedis(redis);
    io.stdout(`${name}\n`);
  }
  return code;
}

/** Runs one docker command line; resolves with the exit code. */
export async function runDockerShim(argv: readonly string[], io: ShimIo): Promise<number> {
  const psql = io.psql ?? defaultPsql(io.env);
  const conn = pgConnection(io.env);
  const command = parseDockerArgs(argv);
  try {
    switch (command.kind) {
      case 'unsupported':
        io.stderr(`docker (minidapr upstream harness shim): ${command.reason}\n`);
        return 1;
      case 'compose-up': {
        const state = stateDir(io.env);
        for (const svc of readComposePostgres(io.cwd)) {
          const quoted = `"${svc.database.replace(/"/g, '""')}"`;
          if (svc.database !== 'postgres') {
            const code = psql([...conn, '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', 'SET client_min_messages = warning', '-c', `DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`, '-c', `CREATE DATABASE ${quoted}`]);
            if (code !== 0) throw new Error(`could not (re)create database ${svc.database} (psql exit ${code})`);
          }
          for (const script of svc.initScripts) {
            // Query results of init scripts go to the container log, not to `docker compose`'s output.
            const code = psql([...conn, '-U', 'postgres', '-d', svc.database, '-v', 'ON_ERROR_STOP=1', '-q', '-o', devNull, '-f', script]);
            if (code !== 0) throw new Error(`init script ${script} failed (psql exit ${code})`);
          }
          writeFileSync(join(state, `${svc.container}.json`), JSON.stringify({ service: svc.service, database: svc.database }));
          io.stdout(` ✔ Container ${svc.container}  Started (local PostgreSQL, database ${svc.database})\n`);
        }
        return 0;
      }
      case 'stop':
      case 'start':
        return await stopOrStart(command, io);
      case 'exec-psql': {
        if (!existsSync(join(stateDir(io.env), `${command.container}.json`))) {
          io.stderr(`Error response from daemon: No such container: ${command.container}\n`);
          return 1;
        }
        return psql([...conn, ...command.args]);
      }
    }
  } catch (err) {
    io.stderr(`docker (minidapr upstream harness shim): ${(err as Error).message}\n`);
    return 1;
  }
}

/** Entry point of bin/upstream-docker-shim.js. */
export function main(argv: string[]): void {
  void runDockerShim(argv, {
    env: process.env,
    cwd: process.cwd(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then((code) => {
    process.exitCode = code;
  });
}
