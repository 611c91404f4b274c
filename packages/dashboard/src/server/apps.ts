/**
 * @module server/apps
 * The Applications view: every running app from the runtime's instance registry (the CLI's extended
 * metadata mapped once by @minidapr/runtime's toRunningApp), with a health probe per app.
 */
import { listInstances, toRunningApp, type InstanceInfo, type RunningApp } from '@minidapr/runtime';
import { portReachable, sidecarHealthy, sidecarMetadata, type SidecarTarget } from './sidecar-client';

export type Health = 'healthy' | 'unhealthy' | 'unknown';

export interface App {
  appId: string;
  pid: number;
  appPid?: number;
  cliPid?: number;
  httpPort: number;
  grpcPort: number;
  internalPort: number;
  appPort?: number;
  metricsPort?: number;
  command: string;
  startedAt: string;
  ageSeconds: number;
  runFile?: string;
  health: Health;
  resourcesPaths: string[];
  configPaths: string[];
  runtimeVersion?: string;
}

export interface AppDetail extends App {
  metadata: Record<string, unknown> | null;
  metadataError?: string;
}

/** A registry entry with both views of it (raw instance and the CLI's mapping). */
export interface RegisteredApp {
  instance: InstanceInfo;
  running: RunningApp;
  target: SidecarTarget;
}

export function registeredApps(home: string, apiToken?: string): RegisteredApp[] {
  return listInstances(home).map((instance) => ({
    instance,
    running: toRunningApp(instance),
    target: { host: instance.host || '127.0.0.1', httpPort: instance.httpPort, apiToken },
  }));
}

export function findApp(home: string, appId: string, apiToken?: string): RegisteredApp | undefined {
  return registeredApps(home, apiToken).find((a) => a.running.appId === appId);
}

/** Healthy when the sidecar's /v1.0/healthz answers 2xx and the app port (if any) accepts connections. */
export async function probeHealth(a: RegisteredApp): Promise<Health> {
  const [sidecar, app] = await Promise.all([
    sidecarHealthy(a.target),
    a.running.appPort ? portReachable(a.instance.host || '127.0.0.1', a.running.appPort) : Promise.resolve(true),
  ]);
  return sidecar && app ? 'healthy' : 'unhealthy';
}

export function toApp(a: RegisteredApp, health: Health, now = Date.now()): App {
  const r = a.running;
  return {
    appId: r.appId,
    pid: r.daprdPid,
    appPid: r.appPid,
    cliPid: r.cliPid,
    httpPort: r.httpPort,
    grpcPort: r.grpcPort,
    internalPort: r.internalPort,
    appPort: r.appPort,
    metricsPort: r.metricsPort,
    command: r.command,
    startedAt: r.startedAt.toISOString(),
    ageSeconds: Math.max(0, Math.floor((now - r.startedAt.getTime()) / 1000)),
    runFile: r.runTemplatePath,
    health,
    resourcesPaths: a.instance.resourcesPaths ?? [],
    configPaths: a.instance.configPaths ?? [],
    runtimeVersion: a.instance.runtimeVersion || undefined,
  };
}

export async function listApps(home: string, apiToken?: string): Promise<App[]> {
  const apps = registeredApps(home, apiToken);
  const health = await Promise.all(apps.map(probeHealth));
  return apps.map((a, i) => toApp(a, health[i] ?? 'unknown'));
}

export async function appDetail(a: RegisteredApp): Promise<AppDetail> {
  const [health, meta] = await Promise.all([probeHealth(a), sidecarMetadata(a.target)]);
  return 'metadata' in meta ? { ...toApp(a, health), metadata: meta.metadata } : { ...toApp(a, health), metadata: null, metadataError: meta.error };
}
