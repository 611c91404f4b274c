/**
 * Helpers for the CLI integration scenarios: a temp MINIDAPR_HOME and cwd per scenario, the built
 * CLI spawned as a real process, tiny node apps written into the temp dir, and a cleanup that
 * leaves nothing running even when a scenario fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canBind, spawnProcess, stopAll, tempDir, waitFor, type Spawned, type TempDir } from '@minidapr/testkit';

export const CLI_BIN = join(__dirname, '..', '..', 'bin', 'minidapr.js');

export interface Scenario {
  home: TempDir;
  dir: TempDir;
  env: NodeJS.ProcessEnv;
}

export function scenario(extraEnv: NodeJS.ProcessEnv = {}): Scenario {
  const home = tempDir('minidapr-cli-home-');
  const dir = tempDir('minidapr-cli-cwd-');
  const env: NodeJS.ProcessEnv = { ...process.env, MINIDAPR_HOME: home.path, ...extraEnv };
  for (const k of ['APP_ID', 'APP_PORT', 'DAPR_HTTP_PORT', 'DAPR_API_TOKEN', 'APP_CHANNEL_ADDRESS']) if (!(k in extraEnv)) delete env[k];
  return { home, dir, env };
}

/** Starts `minidapr <args>` in the scenario's temp dir (or `cwd`). */
export function minidapr(s: Scenario, args: string[], cwd = s.dir.path, env: NodeJS.ProcessEnv = s.env): Spawned {
  return spawnProcess(process.execPath, [CLI_BIN, ...args], { cwd, env });
}

/** Runs `minidapr <args>` to completion. */
export async function minidaprDone(s: Scenario, args: string[], cwd = s.dir.path): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = minidapr(s, args, cwd);
  const { code } = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

export interface ListedApp {
  appId: string;
  httpPort: number;
  grpcPort: number;
  appPort: number;
  command: string;
  daprdPid: number;
  cliPid: number;
  appPid: number;
  runTemplatePath: string;
  appLogPath: string;
  daprdLogPath: string;
}

export async function listJson(s: Scenario): Promise<ListedApp[]> {
  const r = await minidaprDone(s, ['list', '-o', 'json']);
  if (r.code !== 0) throw new Error(`minidapr list failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ListedApp[];
}

export function alive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // a zombie still answers kill(0); it is not running
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX] /.test(stat);
  } catch {
    return process.platform !== 'linux';
  }
}

/** Waits until none of the pids runs and every port can be bound again. */
export async function waitAllGone(pids: number[], ports: number[], timeoutMs = 10000): Promise<void> {
  await waitFor(
    `pids ${pids.join(',')} gone and ports ${ports.join(',')} free`,
    async () => {
      if (pids.some(alive)) return false;
      for (const p of ports) if (!(await canBind(p))) return false;
      return true;
    },
    { timeoutMs },
  );
}

/** Registry entries written by sidecars under a MINIDAPR_HOME (read directly: no CLI involved). */
function registryPids(home: string): number[] {
  const pids: number[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(join(home, 'instances'));
  } catch {
    return pids;
  }
  for (const n of names) {
    try {
      const info = JSON.parse(readFileSync(join(home, 'instances', n), 'utf8')) as { pid: number; extended?: Record<string, string> };
      pids.push(info.pid, Number(info.extended?.appPID ?? 0), Number(info.extended?.cliPID ?? 0));
    } catch {
      /* half-written or gone */
    }
  }
  return pids.filter((p) => p > 0 && p !== process.pid);
}

/** afterAll: graceful stop of every CLI started, then SIGKILL for anything a sidecar registered. */
export async function cleanup(s: Scenario): Promise<void> {
  await stopAll();
  for (const pid of registryPids(s.home.path)) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  s.home.remove();
  s.dir.remove();
}

/** A tiny HTTP app: listens on APP_PORT, logs one line per request, answers JSON describing it. */
export const ECHO_APP = `
const http = require('http');
const port = Number(process.env.APP_PORT);
http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    console.log('request ' + req.method + ' ' + req.url + ' ' + body);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ app: process.env.APP_ID, method: req.method, url: req.url, body }));
  });
}).listen(port, '127.0.0.1', () => console.log('listening on ' + port));
`;

/** An app that calls `target` through its own sidecar (dapr-app-id header), retrying until it answers. */
export function callerApp(target: string, method: string): string {
  return `
const port = process.env.DAPR_HTTP_PORT;
async function main() {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch('http://127.0.0.1:' + port + '/${method}', {
        method: 'POST',
        headers: { 'dapr-app-id': '${target}', 'content-type': 'application/json' },
        body: JSON.stringify({ orderId: 1 }),
      });
      if (r.ok) {
        console.log('Order passed: ' + (await r.text()));
        return;
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  console.error('gave up');
  process.exit(2);
}
main();
`;
}
