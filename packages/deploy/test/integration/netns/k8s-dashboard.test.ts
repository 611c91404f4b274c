/**
 * k8s/dashboard next to a step, run without a cluster (`kubectl apply -k k8s/hello-kubernetes`,
 * then `kubectl apply -k k8s/dashboard -n hello-kubernetes`): every minidaprd container and the
 * dashboard container start from this repository with their manifests' command lines and
 * environment, each in a network namespace of its own with the Service names resolving. The
 * dashboard must pass its probes, list every sidecar of the step's minidapr-dashboard ConfigMap as
 * healthy with its metadata, scrape their metrics ports, and take spans on the Zipkin endpoint the
 * sidecars' mounted Configuration names, posted from a sidecar's own namespace.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { requireServiceSync, tempDir, waitFor } from '@minidapr/testkit';
import { flagValues, kubectlAvailable, kustomizeBuild, repoRoot, tracingOf, withTrustRootSecret, type K8sObject } from '../../../src';
import { leftovers, requireNetnsSync, startK8sSidecars, type K8sSidecars, type RunningSidecar } from '../../../src/netns';

jest.setTimeout(90000);

const ROOT = repoRoot();
const STEP = 'k8s/hello-kubernetes';
const hasKubectl = kubectlAvailable();
if (!hasKubectl && process.env.CI === 'true') throw new Error('kubectl is not installed (CI=true: a missing tool is a failure, not a skip)');
const skip = (hasKubectl ? undefined : 'kubectl is not installed') ?? requireNetnsSync('netns k8s dashboard') ?? requireServiceSync('Redis', '127.0.0.1', 6379);
if (skip && !hasKubectl) process.stdout.write(`SKIPPED: netns k8s dashboard: ${skip}\n`);
const maybe = skip ? it.skip : it;

const certs = tempDir('minidapr-k8s-dash-certs-');
let running: K8sSidecars | undefined;
afterAll(async () => {
  await running?.stop();
  certs.remove();
});

const logs = (s: RunningSidecar): string => `--- ${s.name} ---\n${s.proc.output()}`;

/** Waits until `url` answers `status`; throws with the output when the process exits first. */
async function answers(s: RunningSidecar, url: string, status: number): Promise<void> {
  let exited: { code: number | null } | undefined;
  void s.proc.exited.then((r) => (exited = r));
  const got = await waitFor(`${url} to answer ${status}`, async () => (exited ? -1 : (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === status && status), {
    timeoutMs: 30000,
    intervalMs: 100,
  }).catch((err: Error) => {
    throw new Error(`${err.message}\n${logs(s)}`);
  });
  if (got !== status) throw new Error(`${s.name} exited with code ${exited?.code}\n${logs(s)}`);
}

maybe('the dashboard watches every sidecar of the step and takes spans on the endpoint of their Configuration', async () => {
  const step = await withTrustRootSecret(kustomizeBuild(join(ROOT, STEP)), certs.path);
  const namespace = step.find((o) => o.kind === 'Namespace')?.metadata?.name ?? '';
  // `kubectl apply -k k8s/dashboard -n <namespace>`: the namespace-free objects land in the step's.
  const dashboard = kustomizeBuild(join(ROOT, 'k8s/dashboard')).map((o) => ({ ...o, metadata: { ...o.metadata, namespace } }) as K8sObject);
  const objects = [...step, ...dashboard];
  running = await startK8sSidecars({ objects, repoRoot: ROOT, standInApps: true });
  const r = running;
  const d = r.dashboard as RunningSidecar;
  expect(d).toBeDefined();
  for (const s of r.sidecars) await answers(s, s.probeUrl('liveness') as string, 204);
  await answers(d, d.probeUrl('readiness') as string, 200);
  await answers(d, d.probeUrl('liveness') as string, 200);
  const ui = `http://${d.pod.ip}:8080`;

  const appIds = r.sidecars.map((s) => flagValues(s.run.argv, 'app-id')[0] as string).sort();
  expect(appIds.length).toBeGreaterThan(0);
  let last: unknown;
  const apps = await waitFor('every sidecar healthy in /api/apps', async () => {
    const list = (await (await fetch(`${ui}/api/apps`)).json()) as Array<{ appId: string; health: string; source: string }>;
    last = list;
    return list.length === appIds.length && list.every((a) => a.health === 'healthy') ? list : undefined;
  }).catch((err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify(last)}\n${logs(d)}`);
  });
  expect(apps.map((a) => [a.appId, a.source]).sort()).toEqual(appIds.map((id) => [id, 'static']));
  for (const id of appIds) {
    const one = (await (await fetch(`${ui}/api/apps/${id}`)).json()) as { metadata: { id?: string } | null; metadataError?: string };
    expect({ id, metadata: one.metadata?.id, error: one.metadataError }).toEqual({ id, metadata: id, error: undefined });
  }
  // The default scrape interval is 5 s: every sidecar's metrics port answered once the errors are gone.
  await waitFor(
    'every sidecar scraped',
    async () => {
      const m = (await (await fetch(`${ui}/api/metrics`)).json()) as { apps: Array<{ appId: string; error?: string }> };
      return m.apps.length === appIds.length && m.apps.every((a) => !a.error) ? true : undefined;
    },
    { timeoutMs: 20000, intervalMs: 250 },
  );

  // The Zipkin endpoint of the Configuration a sidecar mounts (its --config, written where the
  // runner materialised the ConfigMap), reached from that sidecar's namespace.
  const [s] = r.sidecars as [RunningSidecar];
  const config = flagValues(s.run.argv, 'config')[0];
  const endpoint = config ? tracingOf(config).zipkinEndpoint : undefined;
  expect(endpoint).toBeDefined();
  const span = JSON.stringify([{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', id: '00f067aa0ba902b7', name: 'get /probe', timestamp: Date.now() * 1000, duration: 7, localEndpoint: { serviceName: appIds[0] } }]);
  const script = `fetch(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/json' }, body: process.argv[2] }).then((r) => process.exit(r.status === 202 ? 0 : 1), () => process.exit(2))`;
  execFileSync('ip', ['netns', 'exec', r.network.group(s.name).ns, process.execPath, '-e', script, endpoint as string, span], { timeout: 10000 });
  await waitFor('the span in /api/traces', async () => {
    const t = (await (await fetch(`${ui}/api/traces?lookbackMs=600000`)).json()) as Array<{ traceId: string }>;
    return t.some((x) => x.traceId === '4bf92f3577b34da6a3ce929d0e0e4736') || undefined;
  });

  await d.proc.stop('SIGINT', 5000);
  expect(await d.proc.exited).toEqual({ code: 0, signal: null });
  expect(d.proc.output()).toContain('Dashboard stopped');
  const id = r.network.id;
  running = undefined;
  expect(await r.stop()).toEqual([]);
  expect(leftovers(id)).toEqual([]);
});
