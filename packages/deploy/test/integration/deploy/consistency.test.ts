/**
 * One truth across files: the app ids, app ports and component names of the steps table agree with
 * every run file (dapr.yaml), local resources folder, compose file, manifest and README, and the
 * kubectl / docker compose commands in READMEs name objects that exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadResources } from '@minidapr/runtime/components';
import { tempDir } from '@minidapr/testkit';
import {
  deploymentsOf,
  flagValues,
  hostPath,
  kubectlAvailable,
  kustomizeBuild,
  loadCompose,
  mountedConfigMapPath,
  profilesOf,
  readEnvFile,
  repoRoot,
  sidecarsOf,
  STEPS,
  type K8sObject,
} from '../../../src';

const ROOT = repoRoot();
const hasKubectl = kubectlAvailable();
const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');
/** Component names (secret stores aside) in resources folders. */
const componentNames = (paths: string[], appId: string): string[] =>
  [...new Set(loadResources(paths, { appId }).components.filter((c) => !c.type.startsWith('secretstores.')).map((c) => c.name))].sort();

const runFiles = STEPS.flatMap((s) => s.variants.filter((v) => v.runFile).map((v) => [v.runFile as string, v] as const));

it.each(runFiles)('%s runs the apps of the steps table', (runFile, variant) => {
  const doc = parse(read(runFile)) as { apps: Array<{ appID?: string; appPort?: number }> };
  const apps = doc.apps.map((a) => `${a.appID}:${a.appPort ?? '-'}`).sort();
  expect(apps).toEqual(variant.apps.map((a) => `${a.appId}:${a.appPort ?? '-'}`).sort());
});

describe.each(STEPS.map((s) => [s.name, s] as const))('%s', (_name, step) => {
  it('uses the same component names locally, in compose and on Kubernetes', () => {
    const expected = [...step.components].sort();
    if (step.localResources) expect(componentNames([join(ROOT, step.localResources)], 'any')).toEqual(expected);
    if (step.compose) {
      for (const sc of sidecarsOf(loadCompose(join(ROOT, step.compose, 'compose.yaml')))) {
        const paths = flagValues(sc.args, 'resources-path').map((p) => hostPath(sc.service, p) as string);
        expect(paths.length > 0 ? componentNames(paths, flagValues(sc.args, 'app-id')[0] ?? '') : []).toEqual(expected);
      }
    }
    if (!hasKubectl) return;
    const tmp = tempDir('minidapr-consistency-');
    try {
      for (const dir of step.k8s) {
        const objects = kustomizeBuild(join(ROOT, dir));
        const sidecars = deploymentsOf(objects).filter((p) => p.sidecar);
        expect(sidecars.length).toBeGreaterThan(0);
        for (const p of sidecars) {
          const appId = flagValues(p.sidecar?.args ?? [], 'app-id')[0] ?? '';
          const paths = flagValues(p.sidecar?.args ?? [], 'resources-path').flatMap((r) => mountedConfigMapPath(objects, p, r, join(tmp.path, dir, appId)) ?? []);
          expect({ dir, appId, components: paths.length > 0 ? componentNames(paths, appId) : [] }).toEqual({ dir, appId, components: expected });
        }
      }
    } finally {
      tmp.remove();
    }
  });

  it('uses the topics of the steps table in every variant', () => {
    const missing: string[] = [];
    for (const v of step.variants) {
      const text = read(v.readme);
      for (const t of step.topics ?? []) if (!text.includes(t)) missing.push(`${v.readme}: topic ${t}`);
    }
    expect(missing).toEqual([]);
  });

  it("names every app id in its variants' READMEs", () => {
    const missing: string[] = [];
    for (const v of step.variants) {
      const text = read(v.readme);
      for (const a of v.apps) if (!text.includes(a.appId)) missing.push(`${v.readme}: ${a.appId}`);
    }
    expect(missing).toEqual([]);
  });

  if (step.compose) {
    it(`documents ${step.compose} with commands that match the compose file`, () => {
      const readme = `${step.compose}/README.md`;
      expect(existsSync(join(ROOT, readme))).toBe(true);
      const text = read(readme);
      const profiles = profilesOf(loadCompose(join(ROOT, step.compose as string, 'compose.yaml')));
      const used = [...text.matchAll(/--profile ([\w-]+)/g)].map((m) => m[1] as string);
      expect(used.filter((p) => !profiles.includes(p))).toEqual([]);
      for (const p of profiles) expect(used).toContain(p);
      expect(text).toContain('docker compose');
      expect(text).toContain('--build');
    });
  }
});

const run = hasKubectl ? describe : describe.skip;

/** kubectl commands of a README checked against the objects of the kustomizations it applies. */
function kubectlProblems(readme: string): string[] {
  const text = read(readme);
  const dirs = [...new Set([...text.matchAll(/kubectl (?:apply|delete) -k (\S+)/g)].map((m) => m[1] as string))];
  const objects: K8sObject[] = dirs.flatMap((d) => kustomizeBuild(join(ROOT, d)));
  const problems: string[] = [];
  const namespaces = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata?.name));
  const has = (kind: string, name: string): boolean => objects.some((o) => o.kind === kind && o.metadata?.name === name);
  const pods = deploymentsOf(objects);
  for (const line of text.split('\n').filter((l) => /^\s*kubectl /.test(l))) {
    const ns = /-n (\S+)/.exec(line)?.[1];
    if (ns && !namespaces.has(ns)) problems.push(`${readme}: "${line.trim()}": no namespace ${ns}`);
    for (const m of line.matchAll(/\b(service|deploy|deployment)\/([\w-]+)/g)) {
      if (!has(m[1] === 'service' ? 'Service' : 'Deployment', m[2] as string)) problems.push(`${readme}: "${line.trim()}": no ${m[1]} ${m[2]}`);
    }
    const selector = /--selector=(\w+)=([\w-]+)/.exec(line);
    const container = /-c ([\w-]+)/.exec(line)?.[1];
    if (selector) {
      const selected = pods.filter((p) => p.labels[selector[1] as string] === selector[2]);
      if (selected.length === 0) problems.push(`${readme}: "${line.trim()}": no pods with ${selector[1]}=${selector[2]}`);
      const names = selected.flatMap((p) => [...p.apps, ...(p.sidecar ? [p.sidecar] : [])].map((c) => c.name));
      if (container && !names.includes(container)) problems.push(`${readme}: "${line.trim()}": no container ${container}`);
    }
  }
  return problems;
}

run('hello-kubernetes README', () => {
  it('uses kubectl commands that name the namespace, Services, Deployments and containers of its manifests', () => {
    expect(kubectlProblems('quickstarts/hello-kubernetes/README.md')).toEqual([]);
  });

  it('shows the port-forward target and the sidecar ports of the manifests', () => {
    const text = read('quickstarts/hello-kubernetes/README.md');
    const objects = kustomizeBuild(join(ROOT, 'k8s/hello-kubernetes'));
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata?.name === 'nodeapp') as { spec: { ports: Array<{ port: number }> } };
    expect(text).toContain(`service/nodeapp 8080:${svc.spec.ports[0]?.port}`);
    const node = deploymentsOf(objects).find((p) => p.deployment.metadata?.name === 'nodeapp');
    expect(text).toContain(`http://localhost:${flagValues(node?.sidecar?.args ?? [], 'dapr-http-port')[0]}`);
  });
});

describe('shared secrets and copies', () => {
  it('uses POSTGRES_PASSWORD in the compose sqldb connection string', () => {
    const env = readEnvFile(join(ROOT, 'compose/secrets.env'));
    expect(new URL(env.SQLDB_CONNECTION_STRING ?? '').password).toBe(env.POSTGRES_PASSWORD);
  });

  it('keeps k8s/base/postgres/orders.sql equal to quickstarts/bindings/db/orders.sql', () => {
    expect(read('k8s/base/postgres/orders.sql')).toBe(read('quickstarts/bindings/db/orders.sql'));
  });

  it.each(['compose/resiliency/components/resiliency.yaml', 'k8s/resiliency/components/resiliency.yaml'])(
    'keeps %s equal to quickstarts/resiliency/resources/resiliency.yaml',
    (copy) => {
      expect(read(copy)).toBe(read('quickstarts/resiliency/resources/resiliency.yaml'));
    },
  );

  it.each(['compose/resiliency/state/components/resiliency.yaml', 'k8s/resiliency/state/components/resiliency.yaml'])(
    'keeps %s equal to quickstarts/resiliency/resources-state/resiliency.yaml',
    (copy) => {
      expect(read(copy)).toBe(read('quickstarts/resiliency/resources-state/resiliency.yaml'));
    },
  );
});
