/**
 * Issue 7's acceptance, "the sidecar args in them start minidaprd cleanly when run locally with the
 * same args": every minidaprd kustomization of the steps table, built with `kubectl kustomize`,
 * and each Deployment's minidaprd container started from this repository with the container's
 * own args and environment (Secrets, fieldRefs, `$(VAR)`), its ConfigMap volumes written to a
 * temp folder, in a network namespace of its own (ports 3500/50002 as in the manifest), the
 * Service names resolving to the machine's Redis/PostgreSQL through forwarders that check the
 * manifest's Redis password and map its PostgreSQL database. Each sidecar must answer its
 * liveness probe (components loaded) and, with a stand-in for its app on the app container's
 * port, its readiness probe with 204, list its mounted components in /v1.0/metadata, exit 0 on
 * SIGTERM and log no warning or error on the way. The trust-root Secret the sidecars mount is the
 * one a user creates (k8s/README.md), made from a trust root in a temp folder; every sidecar signs
 * its workload certificate with it and serves the sidecar-to-sidecar port over mTLS.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { requireServiceSync, tempDir, waitFor } from '@minidapr/testkit';
import { checkComponents, flagValues, kubectlAvailable, kustomizeBuild, repoRoot, STEPS, withTrustRootSecret, type K8sObject } from '../../../src';
import { leftovers, requireNetnsSync, startK8sSidecars, type K8sSidecars, type RunningSidecar } from '../../../src/netns';

jest.setTimeout(90000);

const ROOT = repoRoot();
const hasKubectl = kubectlAvailable();
if (!hasKubectl && process.env.CI === 'true') throw new Error('kubectl is not installed (CI=true: a missing tool is a failure, not a skip)');
const skip =
  (hasKubectl ? undefined : 'kubectl is not installed') ??
  requireNetnsSync('netns k8s sidecars') ??
  requireServiceSync('Redis', '127.0.0.1', 6379) ??
  requireServiceSync('PostgreSQL', '127.0.0.1', 5432);
if (skip && !hasKubectl) process.stdout.write(`SKIPPED: netns k8s sidecars: ${skip}\n`);
const maybe = skip ? it.skip : it;

/** The minidaprd variants only (the real-Dapr overlays have no minidaprd container). */
const DIRS = STEPS.flatMap((s) => s.k8s.map((dir) => [dir, s.components] as const));

const admin = () => new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
/** The database a PostgreSQL Deployment's POSTGRES_DB stands for, fresh for this run. */
const database = `minidapr_k8s_${randomBytes(4).toString('hex')}`;
let created = false;
let running: K8sSidecars | undefined;
/** The trust root behind the minidapr-trust-root Secret, shared by every scenario of the file. */
const certs = tempDir('minidapr-k8s-certs-');

beforeAll(async () => {
  if (skip) return;
  const c = admin();
  await c.connect();
  await c.query(`CREATE DATABASE ${database}`);
  created = true;
  await c.end();
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
afterAll(async () => {
  certs.remove();
  if (!created) return;
  const c = admin();
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await c.end();
});

const logs = (s: RunningSidecar): string => `--- ${s.name} (${s.run.argv.slice(1).join(' ')}) ---\n${s.proc.output()}`;

/** An info or debug line of minidaprd's log, logfmt (default) or JSON (--log-as-json). */
function quietLine(line: string): boolean {
  if (/^time="[^"]+" level=(info|debug) /.test(line)) return true;
  try {
    return ['info', 'debug'].includes(String((JSON.parse(line) as { level?: unknown }).level));
  } catch {
    return false;
  }
}

/** The start-up warning of a sidecar with no components: expected where the manifest mounts none. */
const NONE_LOADED = /no components loaded: /;

/**
 * A gRPC app's sidecar (--app-protocol grpc) asking the app stand-in, a plain HTTP/1.1 server that
 * only makes the app port answer, for its subscriptions: the gRPC call fails and is warned about.
 * The real apps answer it (the sdk-grpc quickstarts, validated with their READMEs).
 */
const GRPC_STAND_IN = /level=warning msg="ListTopicSubscriptions failed: 14 UNAVAILABLE: /;

/** Output lines that are not info/debug log lines (stderr counts whole). */
function unclean(s: RunningSidecar, namespace: string): string[] {
  const expectNone = declared(s, namespace).length === 0;
  const grpcApp = flagValues(s.run.argv, 'app-protocol')[0] === 'grpc';
  const out = s.proc
    .stdout()
    .split('\n')
    .filter((l) => l.trim() !== '' && !quietLine(l) && !(expectNone && NONE_LOADED.test(l)) && !(grpcApp && GRPC_STAND_IN.test(l)));
  const err = s.proc.stderr().split('\n').filter((l) => l.trim() !== '');
  return [...out, ...err.map((l) => `stderr: ${l}`)].map((l) => `${s.name}: ${l}`);
}

/** What the sidecar's mounted resources declare, by minidaprd's own loader: `name (type)`. */
function declared(s: RunningSidecar, namespace: string): string[] {
  const paths = flagValues(s.run.argv, 'resources-path', 'components-path');
  if (paths.length === 0) return [];
  const check = checkComponents(paths, { appId: flagValues(s.run.argv, 'app-id')[0] ?? '', namespace });
  expect(check.problems).toEqual([]);
  return check.components.map((c) => `${c.name} (${c.type})`).sort();
}

/** Waits until the container's liveness or readiness probe answers 204; throws with the output when the sidecar exits first. */
async function probePasses(s: RunningSidecar, which: 'liveness' | 'readiness'): Promise<void> {
  const url = s.probeUrl(which);
  if (!url) throw new Error(`${s.name}: the minidaprd container has no httpGet ${which} probe`);
  let exited: { code: number | null } | undefined;
  void s.proc.exited.then((r) => (exited = r));
  const status = await waitFor(
    `${url} to answer 204`,
    async () => (exited ? -1 : (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 204 && 204),
    { timeoutMs: 30000, intervalMs: 100 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${logs(s)}`);
  });
  if (status !== 204) throw new Error(`${s.name} exited with code ${exited?.code} before it was healthy\n${logs(s)}`);
}

maybe.each(DIRS)('%s: every minidaprd container starts cleanly with its manifest args', async (dir, stepComponents) => {
  const objects: K8sObject[] = await withTrustRootSecret(kustomizeBuild(join(ROOT, dir)), certs.path);
  const namespace = objects.find((o) => o.kind === 'Namespace')?.metadata?.name ?? 'default';
  running = await startK8sSidecars({ objects, repoRoot: ROOT, postgresDatabase: database, standInApps: true });
  const r = running;
  expect(r.sidecars.length).toBeGreaterThan(0);
  // The manifests' own ports, in namespaces of their own.
  for (const s of r.sidecars) expect(s.probeUrl('liveness')).toBe(`http://${s.pod.ip}:3500/v1.0/healthz/outbound`);

  // Components loaded (liveness), then the app found and the sidecar ready (readiness, with the app stand-ins).
  await Promise.all(r.sidecars.map((s) => probePasses(s, 'liveness')));
  await Promise.all(r.sidecars.map((s) => probePasses(s, 'readiness')));

  const listed: string[] = [];
  for (const s of r.sidecars) {
    const res = await fetch(`http://${s.pod.ip}:3500/v1.0/metadata`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as { id: string; components?: Array<{ name: string; type: string }> };
    expect(meta.id).toBe(flagValues(s.run.argv, 'app-id')[0]);
    const got = (meta.components ?? []).map((c) => `${c.name} (${c.type})`).sort();
    expect({ sidecar: s.name, components: got }).toEqual({ sidecar: s.name, components: declared(s, namespace) });
    listed.push(...(meta.components ?? []).map((c) => c.name));
  }
  // The components the step's apps use by name are there.
  for (const c of stepComponents) expect(listed).toContain(c);

  // The backing services were reached as the manifests configure them.
  for (const [service, f] of r.backing) {
    const events = f.events();
    if (f.connections() === 0) continue;
    if (service === 'redis') expect(events.filter((e) => e !== 'AUTH ok')).toEqual([]);
    if (service === 'postgres') expect(events.every((e) => e.endsWith(`→ ${database}`))).toBe(true);
  }
  const usesRedis = listed.some((n) => ['statestore', 'orderpubsub'].includes(n));
  if (usesRedis) expect(r.backing.get('redis')?.events()).toContain('AUTH ok');
  if (listed.includes('sqldb')) expect(r.backing.get('postgres')?.events()).toContain(`database orders → ${database}`);

  // mTLS with the mounted trust root: the workload certificate names the app id in the pod's namespace.
  for (const s of r.sidecars) {
    const appId = flagValues(s.run.argv, 'app-id')[0] ?? '';
    expect(s.proc.output()).toContain(`mTLS enabled: workload certificate spiffe://public/ns/${namespace}/${appId} valid until`);
    expect(s.proc.output()).toMatch(/sidecar-to-sidecar on 0\.0\.0\.0:50002 \(mTLS\)/);
  }

  for (const s of r.sidecars) await s.proc.stop('SIGTERM', 5000);
  for (const s of r.sidecars) expect({ sidecar: s.name, exit: await s.proc.exited }).toEqual({ sidecar: s.name, exit: { code: 0, signal: null } });
  expect(r.sidecars.flatMap((s) => unclean(s, namespace))).toEqual([]);

  const id = r.network.id;
  running = undefined;
  expect(await r.stop()).toEqual([]);
  expect(leftovers(id)).toEqual([]);
});

maybe('a sidecar whose Redis password does not match the Redis Deployment fails, and the scenario says so', async () => {
  const objects = await withTrustRootSecret(kustomizeBuild(join(ROOT, 'k8s/state-management')), certs.path);
  // The Redis pod now requires another password than the `redis` Secret the sidecars read.
  const redis = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'redis') as K8sObject;
  const container = (redis.spec as { template: { spec: { containers: Array<{ args: string[] }> } } }).template.spec.containers[0];
  if (container) container.args = ['--requirepass', 'not-the-secret'];
  const oneSidecar = objects.filter((o) => o.kind !== 'Deployment' || ['redis', 'order-processor-http'].includes(o.metadata?.name ?? ''));
  running = await startK8sSidecars({ objects: oneSidecar, repoRoot: ROOT, postgresDatabase: database });
  const [s] = running.sidecars as [RunningSidecar];
  await expect(probePasses(s, 'liveness')).rejects.toThrow(/order-processor-http exited with code 1 before it was healthy/);
  expect(running.backing.get('redis')?.events()).toContain('AUTH wrong password');
  expect(s.proc.output()).toMatch(/WRONGPASS/);
});

maybe('without the trust-root Secret the pod cannot start: the runner names the missing Secret, as the kubelet would', async () => {
  const objects = kustomizeBuild(join(ROOT, 'k8s/state-management')).filter((o) => o.kind !== 'Deployment' || ['redis', 'order-processor-http'].includes(o.metadata?.name ?? ''));
  await expect(startK8sSidecars({ objects, repoRoot: ROOT, postgresDatabase: database })).rejects.toThrow(/volume trust-root: Secret "minidapr-trust-root" is not in the manifests/);
});
