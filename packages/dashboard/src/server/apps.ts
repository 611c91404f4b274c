/**
 * @module server/apps
 * The Applications view: every running app from the runtime's instance registry (the CLI's extended
 * metadata mapped once by @minidapr/runtime's toRunningApp) plus the static sidecars given with
 * --sidecar / MINIDAPR_DASHBOARD_SIDECARS (containers, pods), with a health probe per app.
 */
import { listInstances, toRunningApp, type InstanceInfo, type RunningApp } from '@minidapr/runtime';
import { portReachable, sidecarHealthy, sidecarMetadata, type SidecarTarget } from './sidecar-client';
import { staticInstance, type StaticSidecar } from './static-sidecars';

export type Health = 'healthy' | 'unhealthy' | 'unknown';

export interface App {
  appId: string;
  /** null for a static sidecar (--sidecar): its pid is not known. */
  pid: number | null;
  appPid?: number;
  cliPid?: number;
  httpPort: number;
  /** null for a static sidecar. */
  grpcPort: number | null;
  /** null for a static sidecar. */
  internalPort: number | null;
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
  /** Where the dashboard learnt of the app: the instance registry, or a static --sidecar entry (host:port). */
  source: 'registry' | 'static';
  /** A static sidecar's host. */
  host?: string;
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
  /** Set for a static sidecar (no registry entry, no files, no pid). */
  static?: StaticSidecar;
}

/** Where the dashboard finds apps: MINIDAPR_HOME's registry and the static sidecars. */
export interface AppSource {
  home: string;
  apiToken?: string;
  sidecars?: readonly StaticSidecar[];
  /** Reported as a static sidecar's startedAt (when the dashboard started watching it). */
  since?: Date;
}

/** Registry entries first; a static sidecar whose app id is registered too is left out. */
export function registeredApps(src: AppSource): RegisteredApp[] {
  const registered: RegisteredApp[] = listInstances(src.home).map((instance) => ({
    instance,
    running: toRunningApp(instance),
    target: { host: instance.host || '127.0.0.1', httpPort: instance.httpPort, apiToken: src.apiToken },
  }));
  const ids = new Set(registered.map((a) => a.running.appId));
  const since = src.since ?? new Date();
  for (const s of src.sidecars ?? []) {
    if (ids.has(s.appId)) continue;
    registered.push({ ...staticInstance(s, since), target: { host: s.host, httpPort: s.httpPort, apiToken: src.apiToken, byAddress: true }, static: s });
  }
  return registered;
}

export function findApp(src: AppSource, appId: string): RegisteredApp | undefined {
  return registeredApps(src).find((a) => a.running.appId === appId);
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
  if (a.static) {
    return {
      appId: r.appId,
      pid: null,
      httpPort: r.httpPort,
      grpcPort: null,
      internalPort: null,
      metricsPort: r.metricsPort,
      command: '',
      startedAt: r.startedAt.toISOString(),
      ageSeconds: Math.max(0, Math.floor((now - r.startedAt.getTime()) / 1000)),
      health,
      resourcesPaths: [],
      configPaths: [],
      source: 'static',
      host: a.static.host,
    };
  }
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
    source: 'registry',
  };
}

export async function listApps(src: AppSource): Promise<App[]> {
  const apps = registeredApps(src);
  const health = await Promise.all(apps.map(probeHealth));
  return apps.map((a, i) => toApp(a, health[i] ?? 'unknown'));
}

export async function appDetail(a: RegisteredApp): Promise<AppDetail> {
  const [health, meta] = await Promise.all([probeHealth(a), sidecarMetadata(a.target)]);
  if (!('metadata' in meta)) return { ...toApp(a, health), metadata: null, metadataError: meta.error };
  const app = toApp(a, health);
  // A static sidecar's version is only known from its metadata.
  if (a.static && typeof meta.metadata.runtimeVersion === 'string') app.runtimeVersion = meta.metadata.runtimeVersion;
  return { ...app, metadata: meta.metadata };
}
