/**
 * @module sidecar
 * Spawns the built minidaprd on free ports with a temp resources dir and a temp MINIDAPR_HOME,
 * waits for health with a deadline, and always cleans up.
 */
import { dirname, join } from 'node:path';
import { freePort } from './ports';
import { spawnProcess, type Spawned } from './processes';
import { tempDir, type TempDir } from './tmp';
import { waitFor } from './wait';

export interface SidecarOptions {
  appId: string;
  appPort?: number;
  /** Component files to write into a fresh resources dir: { 'statestore.yaml': '…' }. */
  resources?: Record<string, string>;
  /** Share one MINIDAPR_HOME between sidecars that must find each other. */
  home?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Wait for /v1.0/healthz (default) or only /v1.0/healthz/outbound, or nothing. */
  waitFor?: 'healthz' | 'outbound' | 'none';
  timeoutMs?: number;
}

export interface Sidecar {
  appId: string;
  httpPort: number;
  internalPort: number;
  /** The gRPC API port (--dapr-grpc-port; a free one unless args give it). */
  grpcPort: number;
  metricsPort: number;
  url: string;
  home: string;
  resourcesDir: string;
  process: Spawned;
  stop(): Promise<void>;
}

/** Path of the built runtime entry (packages/runtime/bin/minidaprd.js). */
export function minidaprdBin(): string {
  return join(dirname(require.resolve('@minidapr/runtime/package.json')), 'bin', 'minidaprd.js');
}

export async function startSidecar(o: SidecarOptions): Promise<Sidecar> {
  const httpPort = await freePort();
  const internalPort = await freePort();
  const metricsPort = await freePort();
  const given = o.args?.indexOf('--dapr-grpc-port') ?? -1;
  const grpcPort = given >= 0 ? Number(o.args?.[given + 1]) : await freePort();
  const resDir: TempDir = tempDir('minidapr-res-');
  resDir.write(o.resources ?? {});
  const ownHome = o.home ? undefined : tempDir('minidapr-home-');
  const home = o.home ?? (ownHome as TempDir).path;
  const args = [
    // Same Node flags as the runtime's launchers (SIDECAR_NODE_ARGS in @minidapr/runtime).
    '--max-semi-space-size=2',
    minidaprdBin(),
    '--app-id', o.appId,
    '--dapr-http-port', String(httpPort),
    '--dapr-internal-port', String(internalPort),
    '--metrics-port', String(metricsPort),
    ...(given >= 0 ? [] : ['--dapr-grpc-port', String(grpcPort)]),
    '--resources-path', resDir.path,
    ...(o.appPort ? ['--app-port', String(o.appPort)] : []),
    ...(o.args ?? []),
  ];
  const proc = spawnProcess(process.execPath, args, { env: { ...process.env, ...o.env, MINIDAPR_HOME: home } });
  const url = `http://127.0.0.1:${httpPort}`;
  const sidecar: Sidecar = {
    appId: o.appId,
    httpPort,
    internalPort,
    grpcPort,
    metricsPort,
    url,
    home,
    resourcesDir: resDir.path,
    process: proc,
    async stop() {
      await proc.stop();
      resDir.remove();
      ownHome?.remove();
    },
  };
  if (o.waitFor !== 'none') {
    try {
      await waitForSidecar(sidecar, { outbound: o.waitFor === 'outbound', timeoutMs: o.timeoutMs, apiToken: o.env?.DAPR_API_TOKEN });
    } catch (err) {
      await sidecar.stop();
      throw err;
    }
  }
  return sidecar;
}

export interface WaitForSidecarOptions {
  /** Wait for /v1.0/healthz/outbound instead of /v1.0/healthz. */
  outbound?: boolean;
  timeoutMs?: number;
  /** Sent as dapr-api-token when the sidecar requires one. */
  apiToken?: string;
}

/**
 * Polls the sidecar's health endpoint until it answers 204. Rejects, with the sidecar's output,
 * at the deadline or as soon as the process has exited (it would never answer). Leaves the
 * sidecar running either way: stopping it is the caller's choice.
 */
export async function waitForSidecar(s: Sidecar, o: WaitForSidecarOptions = {}): Promise<void> {
  const { child } = s.process;
  const path = o.outbound ? '/v1.0/healthz/outbound' : '/v1.0/healthz';
  let state: 'healthy' | 'exited';
  try {
    state = await waitFor(`minidaprd ${s.appId} ${path}`, async () => {
      if (child.exitCode !== null || child.signalCode !== null) return 'exited';
      const r = await fetch(s.url + path, { headers: o.apiToken ? { 'dapr-api-token': o.apiToken } : {} });
      return r.status === 204 && 'healthy';
    }, { timeoutMs: o.timeoutMs ?? 10000 });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- minidaprd output ---\n${s.process.output()}`);
  }
  if (state === 'exited') {
    // 'exit' can arrive before the last output has been read from the pipes.
    await waitFor('minidaprd output to end', () => child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false, {
      timeoutMs: 1000,
    }).catch(() => undefined);
    throw new Error(`minidaprd ${s.appId} exited early (${child.exitCode ?? child.signalCode})\n--- minidaprd output ---\n${s.process.output()}`);
  }
}
