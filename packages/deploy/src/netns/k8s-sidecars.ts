/**
 * @module netns/k8s-sidecars
 * Runs the minidaprd containers of built Kubernetes manifests without a cluster: one network
 * namespace per Deployment (so the container ports, 3500 and 50002, are the manifest's own), the
 * Service names resolving through the namespaces' hosts file (`redis`, `redis.<ns>`,
 * `redis.<ns>.svc.cluster.local`, the headless `<appId>-dapr` Services), and the Redis and
 * PostgreSQL Deployments stood in for by the machine's servers through handshake forwarders that
 * act as the manifests configure them (Redis `--requirepass`, PostgreSQL `POSTGRES_DB`). A
 * Deployment running the dashboard image (k8s/dashboard added to the objects) is started the same
 * way, in a namespace of its own, with its Service names resolving to it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnProcess, type Spawned } from '@minidapr/testkit';
import { isDashboardImage } from '../dashboard';
import { containerEnv, containerRun, expandK8sVars, type ContainerRun, type FullContainer, type PodIdentity } from '../k8s/container-run';
import type { K8sObject } from '../k8s/kustomize';
import { deploymentsOf, serviceSelector, type PodSidecar } from '../k8s/pods';
import { postgresDatabase, redisRequirePass, startHandshakeForwarder, type HandshakeForwarder } from './handshake-forwarder';
import { createNetwork, type Network } from './network';
import { DEFAULT_EXTERNAL, imageRepository } from './plan';

export interface K8sSidecarsOptions {
  objects: readonly K8sObject[];
  repoRoot: string;
  /** The database on the machine's PostgreSQL that a PostgreSQL Deployment's POSTGRES_DB stands for. */
  postgresDatabase?: string;
  /**
   * Also start a stand-in for each app container on its container ports, in the pod's namespace: an
   * HTTP server answering `GET /dapr/subscribe` with `[]` and anything else with an empty 200, so
   * the sidecar finds its app and becomes ready (its readiness probe passes).
   */
  standInApps?: boolean;
}

export interface RunningSidecar {
  /** The Deployment's name (also its network namespace group). */
  name: string;
  pod: PodIdentity;
  container: FullContainer;
  run: ContainerRun;
  proc: Spawned;
  /** The stand-in app processes (standInApps). */
  apps: Spawned[];
  /** `http://<pod ip>:<port><path>` of the container's liveness or readiness httpGet probe. */
  probeUrl(which: 'liveness' | 'readiness'): string | undefined;
}

export interface K8sSidecars {
  network: Network;
  sidecars: RunningSidecar[];
  /** The dashboard container, when the objects hold a Deployment running the dashboard image. */
  dashboard?: RunningSidecar;
  /** Host name → address, as written into every namespace's hosts file. */
  names: ReadonlyMap<string, string>;
  /** The forwarders standing in for the backing Deployments, by Service name. */
  backing: ReadonlyMap<string, HandshakeForwarder>;
  /** Stops what still runs, closes the forwarders, removes the network and the files; resolves to teardown problems. */
  stop(): Promise<string[]>;
}

/** Environment every process needs from the runner (ip and node need a PATH). */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'LANG', 'TZ']) if (process.env[k]) env[k] = process.env[k] as string;
  return env;
}

/** An app stand-in: no subscriptions, an empty 200 for everything else (input binding routes included). */
const STAND_IN_APP = `
const http = require('node:http');
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/dapr/subscribe') res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    else res.end();
  });
}).listen(Number(process.argv[1]), '0.0.0.0');
`;

const labelsMatch = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** A Deployment the machine's own server stands in for: every container's image is redis or postgres. */
function backingKind(p: PodSidecar): 'redis' | 'postgres' | undefined {
  const repos = new Set(p.apps.map((c) => imageRepository(c.image ?? '')));
  if (repos.size !== 1) return undefined;
  const repo = [...repos][0] as string;
  return repo === 'redis' || repo === 'postgres' ? repo : undefined;
}

function dnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

function podOf(p: PodSidecar, namespace: string, ip: string): PodIdentity {
  return { namespace, name: `${p.deployment.metadata?.name ?? 'pod'}-0`, ip, labels: p.labels, annotations: p.annotations };
}

/** The handshake for a backing container, from its own env and args as the manifest gives them. */
function backingHandshake(objects: readonly K8sObject[], kind: 'redis' | 'postgres', c: FullContainer, pod: PodIdentity, localDb: string | undefined) {
  const env = containerEnv(objects, pod, c);
  if (kind === 'redis') {
    const args = [...(c.command ?? []), ...(c.args ?? [])].map((a) => expandK8sVars(a, env));
    const i = args.indexOf('--requirepass');
    const password = i >= 0 ? args[i + 1] : undefined;
    return password ? redisRequirePass(password) : undefined;
  }
  const db = env.POSTGRES_DB || env.POSTGRES_USER || 'postgres';
  if (!localDb) throw new Error(`Deployment ${pod.name}: a PostgreSQL pod (POSTGRES_DB=${db}) needs the postgresDatabase option`);
  return postgresDatabase(db, localDb);
}

function probeUrl(c: FullContainer, ip: string, which: 'liveness' | 'readiness'): string | undefined {
  const probe = (which === 'liveness' ? c.livenessProbe : c.readinessProbe) as { httpGet?: { path?: string; port: number | string; scheme?: string } } | undefined;
  const get = probe?.httpGet;
  if (!get) return undefined;
  const port = typeof get.port === 'number' ? get.port : c.ports?.find((p) => p.name === get.port)?.containerPort;
  return `${(get.scheme ?? 'HTTP').toLowerCase()}://${ip}:${port}${get.path ?? '/'}`;
}

export async function startK8sSidecars(o: K8sSidecarsOptions): Promise<K8sSidecars> {
  const { objects } = o;
  const namespace = objects.find((x) => x.kind === 'Namespace')?.metadata?.name ?? 'default';
  const pods = deploymentsOf(objects);
  const withSidecar = pods.filter((p) => p.sidecar);
  const dashboardPod = pods.find((p) => !p.sidecar && p.apps.some((c) => isDashboardImage(c.image)));
  const network = createNetwork([...withSidecar, ...(dashboardPod ? [dashboardPod] : [])].map((p) => p.deployment.metadata?.name ?? '?'));
  const dir = mkdtempSync(join(tmpdir(), `minidapr-k8s-${network.id}-`));
  const backing = new Map<string, HandshakeForwarder>();
  const sidecars: RunningSidecar[] = [];
  let dashboard: RunningSidecar | undefined;
  const stop = async (): Promise<string[]> => {
    const errors: string[] = [];
    for (const s of [...sidecars, ...(dashboard ? [dashboard] : [])]) await s.proc.stop('SIGTERM', 3000).catch((err: Error) => errors.push(err.message));
    for (const a of sidecars.flatMap((s) => s.apps)) await a.stop('SIGTERM', 3000).catch((err: Error) => errors.push(err.message));
    await Promise.all([...backing.values()].map((f) => f.close()));
    errors.push(...network.remove());
    rmSync(dir, { recursive: true, force: true });
    return errors;
  };
  try {
    const names = new Map<string, string>();
    for (const svc of objects.filter((x) => x.kind === 'Service')) {
      const name = svc.metadata?.name ?? '';
      const target = pods.find((p) => labelsMatch(serviceSelector(svc), p.labels));
      if (!target) continue;
      const kind = backingKind(target);
      if (!kind) {
        if (target.sidecar || target === dashboardPod) for (const n of dnsNames(name, namespace)) names.set(n, network.group(target.deployment.metadata?.name ?? '?').ip);
        continue;
      }
      const container = target.apps[0] as FullContainer;
      const handshake = backingHandshake(objects, kind, container, podOf(target, namespace, network.subnet.bridgeIp), o.postgresDatabase);
      const ports = ((svc.spec as { ports?: Array<{ port: number }> } | undefined)?.ports ?? []).map((p) => p.port);
      for (const port of ports) {
        // The machine's server listens on the standard port only.
        const local = { host: '127.0.0.1', port: DEFAULT_EXTERNAL[kind] as number };
        const listen = { host: network.subnet.bridgeIp, port };
        backing.set(name, await startHandshakeForwarder(listen, local, handshake ?? (() => (data) => ({ forward: Buffer.from(data) }))));
      }
      for (const n of dnsNames(name, namespace)) names.set(n, network.subnet.bridgeIp);
    }
    network.writeHosts(names);
    for (const p of withSidecar) {
      const name = p.deployment.metadata?.name ?? '?';
      const group = network.group(name);
      const pod = podOf(p, namespace, group.ip);
      const podDir = join(dir, name);
      mkdirSync(podDir, { recursive: true });
      const container = p.sidecar as FullContainer;
      const run = containerRun(objects, p.deployment, container, pod, podDir, o.repoRoot);
      const env = { ...baseEnv(), ...run.env, MINIDAPR_HOME: join(podDir, 'home') };
      const ports = o.standInApps ? p.apps.flatMap((c) => (c.ports ?? []).map((x) => x.containerPort)) : [];
      const apps = ports.map((port) => spawnProcess('ip', ['netns', 'exec', group.ns, process.execPath, '-e', STAND_IN_APP, String(port)], { cwd: dir, env: baseEnv() }));
      const proc = spawnProcess('ip', ['netns', 'exec', group.ns, ...run.argv], { cwd: run.cwd, env });
      sidecars.push({ name, pod, container, run, proc, apps, probeUrl: (which) => probeUrl(container, group.ip, which) });
    }
    if (dashboardPod) {
      const name = dashboardPod.deployment.metadata?.name ?? '?';
      const group = network.group(name);
      const pod = podOf(dashboardPod, namespace, group.ip);
      const podDir = join(dir, name);
      mkdirSync(podDir, { recursive: true });
      const container = dashboardPod.apps.find((c) => isDashboardImage(c.image)) as FullContainer;
      const run = containerRun(objects, dashboardPod.deployment, container, pod, podDir, o.repoRoot);
      const proc = spawnProcess('ip', ['netns', 'exec', group.ns, ...run.argv], { cwd: run.cwd, env: { ...baseEnv(), ...run.env, MINIDAPR_HOME: join(podDir, 'home') } });
      dashboard = { name, pod, container, run, proc, apps: [], probeUrl: (which) => probeUrl(container, group.ip, which) };
    }
    return { network, sidecars, dashboard, names, backing, stop };
  } catch (err) {
    const problems = await stop();
    if (problems.length) (err as Error).message += `\n--- teardown problems ---\n${problems.join('\n')}`;
    throw err;
  }
}
