/**
 * Every kustomization of the steps table, built with `kubectl kustomize`: valid against the
 * Kubernetes schemas (and Dapr's CRDs), in an explicit namespace, pinned images from images.yaml,
 * probes on every container that listens, a <appId>-dapr Service per sidecar, and sidecar
 * containers whose args, components and Configuration minidaprd itself accepts. k8s/dashboard:
 * namespace-free, its container's command line (image ENTRYPOINT, args, environment from the step's
 * minidapr-dashboard ConfigMap) accepted by the CLI, watching every sidecar of each step, which
 * sends it its spans.
 */
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import {
  allowedImages,
  appKeys,
  checkComponents,
  checkConfiguration,
  checkScripts,
  checkSidecarArgs,
  checkDashboardArgs,
  checkZipkinEndpoint,
  cliArgsOf,
  containerRun,
  DASHBOARD_IMAGE_KEY,
  DASHBOARD_SERVICE,
  deploymentsOf,
  isDashboardImage,
  tracingOf,
  describe as describeObject,
  flagValues,
  isPinned,
  kubectlAvailable,
  kustomizeBuild,
  loadImages,
  mountedConfigMapPath,
  podSpecOf,
  repoRoot,
  serviceSelector,
  STEPS,
  TRUST_ROOT_SECRET,
  validateObjects,
  type FullContainer,
  type DashboardArgsCheck,
  type K8sObject,
  type PodSidecar,
} from '../../../src';

const ROOT = repoRoot();
const images = loadImages();
const hasKubectl = kubectlAvailable();
if (!hasKubectl) {
  if (process.env.CI === 'true') throw new Error('kubectl is not installed (CI=true: a missing tool is a failure, not a skip)');
  process.stdout.write('SKIPPED: kubectl is not installed; the Kubernetes manifest checks are skipped\n');
}
const run = hasKubectl ? describe : describe.skip;

const dirs = [...new Set(STEPS.flatMap((s) => [...s.k8s, ...s.k8sDapr]))];
const daprDirs = new Set(STEPS.flatMap((s) => s.k8sDapr));
const built = new Map<string, K8sObject[]>();
const build = (dir: string): K8sObject[] => {
  if (!built.has(dir)) built.set(dir, kustomizeBuild(join(ROOT, dir)));
  return built.get(dir) as K8sObject[];
};
/** Backing services (Redis, PostgreSQL): pods whose every image is a base image of images.yaml. */
const baseImages = new Set(Object.values(images.base));
const isApp = (p: PodSidecar): boolean => ![...p.apps, ...(p.sidecar ? [p.sidecar] : [])].every((c) => baseImages.has(c.image ?? ''));
const labelsMatch = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

run.each(dirs)('%s', (dir) => {
  it('builds with kubectl kustomize and is valid against the Kubernetes schemas and Dapr CRDs', () => {
    expect(validateObjects(build(dir), dir)).toEqual([]);
  });

  it('puts every namespaced object in an explicit namespace that it creates', () => {
    const objects = build(dir);
    const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata?.name);
    expect(namespaces).toHaveLength(1);
    const stray = objects.filter((o) => o.kind !== 'Namespace' && o.metadata?.namespace !== namespaces[0]).map(describeObject);
    expect(stray).toEqual([]);
  });

  it('uses pinned images from images.yaml, pulled only if not present, with probes on every container that listens', () => {
    const allowed = allowedImages(images);
    const problems: string[] = [];
    for (const d of deploymentsOf(build(dir))) {
      for (const c of [...d.apps, ...(d.sidecar ? [d.sidecar] : [])]) {
        const where = `${describeObject(d.deployment)} container ${c.name}`;
        if (!c.image || !isPinned(c.image) || !allowed.has(c.image)) problems.push(`${where}: image ${c.image} is not a pinned image of images.yaml`);
        // Unset means IfNotPresent for a pinned tag: images built and loaded into the cluster are used.
        if (c.imagePullPolicy !== undefined && c.imagePullPolicy !== 'IfNotPresent') problems.push(`${where}: imagePullPolicy ${c.imagePullPolicy} would not use a loaded image`);
        if ((c.ports?.length ?? 0) > 0 && (!c.readinessProbe || !c.livenessProbe)) problems.push(`${where}: listens but lacks a readiness or liveness probe`);
        const variant = Object.values(images.built).find((b) => b.image === c.image);
        if (variant && c.command) problems.push(...checkScripts(c.command, join(ROOT, variant.dockerfile, '..'), where));
      }
    }
    expect(problems).toEqual([]);
  });

  it('selects pods with every Service, each of type ClusterIP (reached with kubectl port-forward)', () => {
    const objects = build(dir);
    const pods = deploymentsOf(objects);
    const services = objects.filter((o) => o.kind === 'Service');
    const orphans = services.filter((s) => !pods.some((p) => labelsMatch(serviceSelector(s), p.labels))).map(describeObject);
    expect(orphans).toEqual([]);
    // Unset means ClusterIP; a LoadBalancer stays pending on kind and minikube.
    const exposed = services.filter((s) => ((s.spec as { type?: string } | undefined)?.type ?? 'ClusterIP') !== 'ClusterIP').map(describeObject);
    expect(exposed).toEqual([]);
  });

  if (daprDirs.has(dir)) {
    it("uses Dapr's annotations and dapr.io Components instead of minidaprd containers", () => {
      const objects = build(dir);
      const pods = deploymentsOf(objects).filter(isApp);
      expect(pods.length).toBeGreaterThan(0);
      for (const p of pods) {
        expect(p.sidecar).toBeUndefined();
        expect(p.annotations['dapr.io/enabled']).toBe('true');
        expect(p.annotations['dapr.io/app-id']).toBe(p.deployment.metadata?.name);
      }
      expect(objects.some((o) => o.apiVersion === 'dapr.io/v1alpha1' && o.kind === 'Component')).toBe(true);
    });
    return;
  }

  it('runs a minidaprd container next to every app, with args minidaprd parses without errors or warnings', () => {
    const problems: string[] = [];
    for (const p of deploymentsOf(build(dir)).filter(isApp)) {
      const where = `${dir}: ${describeObject(p.deployment)}`;
      if (!p.sidecar) {
        problems.push(`${where}: no minidaprd container`);
        continue;
      }
      const { options, problems: parse } = checkSidecarArgs([...(p.sidecar.command ?? []), ...(p.sidecar.args ?? [])], where);
      problems.push(...parse);
      if (!options) continue;
      if (!options.listenAddresses.includes('0.0.0.0')) problems.push(`${where}: other pods reach the sidecar only with --dapr-listen-addresses 0.0.0.0`);
      if (options.mtls.enabled !== true) problems.push(`${where}: sidecars talk to each other over mTLS here: pass --enable-mtls`);
      // With mTLS the sidecar-to-sidecar port listens where the API does, unless told otherwise.
      const internal = options.internalListenAddresses ?? (options.mtls.enabled ? options.listenAddresses : ['127.0.0.1']);
      if (!internal.includes('0.0.0.0')) problems.push(`${where}: other pods cannot reach the sidecar-to-sidecar port (listens on ${internal.join(', ')})`);
      const appEnv = Object.fromEntries(p.apps.flatMap((c) => c.env ?? []).map((e) => [e.name, e.value]));
      if (String(options.appPort ?? '') !== (appEnv.APP_PORT ?? '')) problems.push(`${where}: --app-port ${options.appPort} but the app has APP_PORT=${appEnv.APP_PORT}`);
      if (appEnv.DAPR_HTTP_PORT !== String(options.daprHttpPort)) problems.push(`${where}: --dapr-http-port ${options.daprHttpPort} but the app has DAPR_HTTP_PORT=${appEnv.DAPR_HTTP_PORT}`);
      if (appEnv.DAPR_GRPC_PORT !== undefined && appEnv.DAPR_GRPC_PORT !== String(options.daprGrpcPort)) {
        problems.push(`${where}: --dapr-grpc-port ${options.daprGrpcPort} but the app has DAPR_GRPC_PORT=${appEnv.DAPR_GRPC_PORT}`);
      }
      if (!(p.sidecar.env ?? []).some((e) => e.name === 'NAMESPACE')) problems.push(`${where}: the sidecar needs NAMESPACE (from metadata.namespace) to resolve app ids`);
    }
    expect(problems).toEqual([]);
  });

  it(`mounts the ${TRUST_ROOT_SECRET} Secret read-only into the sidecar only, and points the mTLS flags at it`, () => {
    const problems: string[] = [];
    for (const p of deploymentsOf(build(dir)).filter((d) => d.sidecar)) {
      const where = `${dir}: ${describeObject(p.deployment)}`;
      const spec = podSpecOf(p.deployment);
      const volume = (spec.volumes ?? []).find((v) => v.secret?.secretName === TRUST_ROOT_SECRET);
      if (!volume) {
        problems.push(`${where}: no volume from the Secret ${TRUST_ROOT_SECRET}`);
        continue;
      }
      if (volume.secret?.items) problems.push(`${where}: mount the whole Secret (no items), as kubectl create secret --from-file makes it`);
      for (const c of p.apps) if ((c as FullContainer).volumeMounts?.some((m) => m.name === volume.name)) problems.push(`${where}: container ${c.name} must not mount the issuer key`);
      const mount = (p.sidecar as FullContainer).volumeMounts?.find((m) => m.name === volume.name);
      if (!mount) problems.push(`${where}: the sidecar does not mount volume ${volume.name}`);
      else if (!(mount as { readOnly?: boolean }).readOnly) problems.push(`${where}: mount volume ${volume.name} readOnly`);
      const args = p.sidecar?.args ?? [];
      const dirOf = (m: { mountPath: string }) => m.mountPath.replace(/\/+$/, '');
      if (mount) {
        if (flagValues(args, 'issuer-credentials')[0] !== dirOf(mount)) problems.push(`${where}: --issuer-credentials should be ${dirOf(mount)}`);
        if (flagValues(args, 'trust-anchors-file')[0] !== `${dirOf(mount)}/ca.crt`) problems.push(`${where}: --trust-anchors-file should be ${dirOf(mount)}/ca.crt`);
      }
      // The Secret comes from the user's own trust root (k8s/README.md), never from the manifests.
      if (build(dir).some((o) => o.kind === 'Secret' && o.metadata?.name === TRUST_ROOT_SECRET)) problems.push(`${dir}: must not ship a ${TRUST_ROOT_SECRET} Secret`);
    }
    expect(problems).toEqual([]);
  });

  it('has a headless <appId>-dapr Service on port 50002 for every sidecar', () => {
    const objects = build(dir);
    const problems: string[] = [];
    for (const p of deploymentsOf(objects).filter((d) => d.sidecar)) {
      const appId = flagValues(p.sidecar?.args ?? [], 'app-id')[0];
      const svc = objects.find((o) => o.kind === 'Service' && o.metadata?.name === `${appId}-dapr`);
      const spec = (svc?.spec ?? {}) as { clusterIP?: string; ports?: Array<{ port: number }> };
      if (!svc) problems.push(`${appId}: no Service ${appId}-dapr`);
      else if (!labelsMatch(serviceSelector(svc), p.labels)) problems.push(`${appId}-dapr: does not select the ${appId} pods`);
      else if (!spec.ports?.some((x) => x.port === 50002)) problems.push(`${appId}-dapr: no port 50002 (sidecar-to-sidecar)`);
      else if (spec.clusterIP !== 'None') problems.push(`${appId}-dapr: not headless (k8s/README.md: clusterIP: None)`);
    }
    expect(problems).toEqual([]);
  });

  it('mounts components and a Configuration from ConfigMaps that minidaprd loads', () => {
    const objects = build(dir);
    const tmp = tempDir('minidapr-k8s-');
    const problems: string[] = [];
    try {
      for (const p of deploymentsOf(objects).filter((d) => d.sidecar)) {
        const args = p.sidecar?.args ?? [];
        const appId = flagValues(args, 'app-id')[0] ?? '';
        const mounted = (path: string): string | undefined => mountedConfigMapPath(objects, p, path, join(tmp.path, appId));
        const resources = flagValues(args, 'resources-path', 'components-path').map((r) => mounted(r) ?? problems.push(`${appId}: --resources-path ${r} is not a mounted ConfigMap`));
        const paths = resources.filter((r): r is string => typeof r === 'string');
        if (paths.length > 0) {
          const envNames = (p.sidecar?.env ?? []).map((e) => e.name);
          const check = checkComponents(paths, { appId, namespace: objects.find((o) => o.kind === 'Namespace')?.metadata?.name, envNames });
          problems.push(...check.problems);
        }
        for (const c of flagValues(args, 'config')) {
          const file = mounted(c);
          if (!file) problems.push(`${appId}: --config ${c} is not a mounted ConfigMap`);
          else {
            const cfg = checkConfiguration(file);
            problems.push(...cfg.problems);
            if (cfg.resolver !== 'kubernetes') problems.push(`${appId}: --config ${c} should use the kubernetes name resolver, got ${cfg.resolver}`);
          }
        }
      }
    } finally {
      tmp.remove();
    }
    expect(problems).toEqual([]);
  });
});

const stepDirs = STEPS.flatMap((s) => [...s.k8s.map((d) => [s.name, d, s] as const), ...s.k8sDapr.map((d) => [s.name, d, s] as const)]);

run.each(stepDirs)('Kubernetes manifests for %s (%s)', (_name, dir, step) => {
  it('run the app ids and app ports of the steps table', () => {
    const keys = new Set<string>();
    for (const p of deploymentsOf(build(dir))) {
      if (p.sidecar) {
        const o = checkSidecarArgs(p.sidecar.args ?? [], dir).options;
        if (o) keys.add(`${o.appId}:${o.appPort ?? '-'}`);
      } else if (p.annotations['dapr.io/enabled'] === 'true') {
        keys.add(`${p.annotations['dapr.io/app-id']}:${p.annotations['dapr.io/app-port'] ?? '-'}`);
      }
    }
    expect([...keys].sort()).toEqual(appKeys(step));
  });
});

const DASHBOARD_DIR = 'k8s/dashboard';

/** The k8s/dashboard container as the kubelet would run it in `namespace` next to a step's objects, parsed by the CLI. */
function dashboardArgs(stepObjects: readonly K8sObject[], namespace: string): DashboardArgsCheck {
  const own = build(DASHBOARD_DIR);
  const deployment = own.find((o) => o.kind === 'Deployment');
  const c = deployment && podSpecOf(deployment).containers?.find((x) => isDashboardImage(x.image));
  if (!deployment || !c) return { problems: [`${DASHBOARD_DIR}: no Deployment running the dashboard image`] };
  const tmp = tempDir('minidapr-k8s-dashboard-');
  try {
    const r = containerRun([...stepObjects, ...own], deployment, c, { namespace, name: 'dashboard', ip: '127.0.0.1' }, tmp.path, ROOT);
    return checkDashboardArgs(cliArgsOf(r.argv) ?? [], `${DASHBOARD_DIR} in ${namespace}`, r.env);
  } finally {
    tmp.remove();
  }
}

run(DASHBOARD_DIR, () => {
  it('builds, is valid against the Kubernetes schemas, and names no namespace (applied with -n <step>)', () => {
    const objects = build(DASHBOARD_DIR);
    expect(validateObjects(objects, DASHBOARD_DIR)).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Namespace' || o.metadata?.namespace !== undefined).map(describeObject)).toEqual([]);
  });

  it('runs the pinned dashboard image with probes as non-root, and a dashboard Service on the ports the CLI listens on', () => {
    const objects = build(DASHBOARD_DIR);
    const [pod, ...others] = deploymentsOf(objects);
    expect(others).toEqual([]);
    const c = pod?.apps.find((x) => isDashboardImage(x.image)) as FullContainer | undefined;
    expect(c?.image).toBe(images.built[DASHBOARD_IMAGE_KEY]?.image);
    expect(c?.imagePullPolicy ?? 'IfNotPresent').toBe('IfNotPresent');
    expect(c?.readinessProbe && c.livenessProbe).toBeTruthy();
    expect((c as { securityContext?: { runAsNonRoot?: boolean } } | undefined)?.securityContext?.runAsNonRoot).toBe(true);
    const { options, problems } = dashboardArgs([], 'any');
    expect(problems).toEqual([]);
    expect(options).toMatchObject({ address: '0.0.0.0', collector: true, sidecars: [] });
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata?.name === DASHBOARD_SERVICE);
    expect(svc && pod && labelsMatch(serviceSelector(svc), pod.labels)).toBe(true);
    const ports = ((svc?.spec ?? {}) as { ports?: Array<{ port: number; targetPort?: number }> }).ports ?? [];
    for (const p of [options?.port, options?.zipkinPort]) {
      expect(ports).toContainEqual(expect.objectContaining({ port: p, targetPort: p }));
      expect(c?.ports?.map((x) => x.containerPort)).toContain(p);
    }
  });
});

run.each(dirs.filter((d) => !daprDirs.has(d)))('%s with k8s/dashboard', (dir) => {
  it('lists every sidecar in the minidapr-dashboard ConfigMap at its <appId>-dapr Service, and the sidecars send spans to the dashboard Service', () => {
    const objects = build(dir);
    const namespace = objects.find((o) => o.kind === 'Namespace')?.metadata?.name ?? '';
    const { options, problems } = dashboardArgs(objects, namespace);
    expect(problems).toEqual([]);
    if (!options) return;
    const pods = deploymentsOf(objects).filter((d) => d.sidecar);
    const tmp = tempDir('minidapr-k8s-');
    try {
      for (const p of pods) {
        const args = p.sidecar?.args ?? [];
        const o = checkSidecarArgs(args, dir).options;
        if (!o) continue;
        const w = options.sidecars.find((x) => x.appId === o.appId);
        const svc = objects.find((x) => x.kind === 'Service' && x.metadata?.name === w?.host);
        const svcPorts = (((svc?.spec ?? {}) as { ports?: Array<{ port: number; targetPort?: number }> }).ports ?? []).map((x) => `${x.port}:${x.targetPort ?? x.port}`);
        if (!w) problems.push(`${dir}: minidapr-dashboard lists no sidecar for app id ${o.appId}`);
        else if (w.host !== `${o.appId}-dapr`) problems.push(`${dir}: ${o.appId} is watched at ${w.host}, not at its headless Service ${o.appId}-dapr`);
        else if (!svc || !labelsMatch(serviceSelector(svc), p.labels)) problems.push(`${dir}: ${w.host} does not select the ${o.appId} pods`);
        else {
          if (w.httpPort !== o.daprHttpPort || !svcPorts.includes(`${w.httpPort}:${o.daprHttpPort}`)) problems.push(`${dir}: ${o.appId}: watched on port ${w.httpPort}, the sidecar's HTTP API is ${o.daprHttpPort} (Service ports ${svcPorts.join(', ')})`);
          if (w.metricsPort !== o.metricsPort || !svcPorts.includes(`${w.metricsPort}:${o.metricsPort}`)) problems.push(`${dir}: ${o.appId}: metrics watched on port ${w.metricsPort}, the sidecar's are on ${o.metricsPort} (Service ports ${svcPorts.join(', ')})`);
        }
        for (const c of flagValues(args, 'config')) {
          const file = mountedConfigMapPath(objects, p, c, join(tmp.path, o.appId));
          if (!file) continue; // reported by the Configuration check above
          const t = tracingOf(file);
          if (!(Number(t.samplingRate) > 0)) problems.push(`${dir}: ${o.appId}: --config samples no traces (spec.tracing.samplingRate ${t.samplingRate})`);
          const hosts = [DASHBOARD_SERVICE, `${DASHBOARD_SERVICE}.${namespace}`, `${DASHBOARD_SERVICE}.${namespace}.svc`, `${DASHBOARD_SERVICE}.${namespace}.svc.cluster.local`];
          problems.push(...checkZipkinEndpoint(t.zipkinEndpoint, hosts, options.zipkinPort, `${dir}: ${o.appId}: --config`));
        }
      }
    } finally {
      tmp.remove();
    }
    expect([...new Set(problems)]).toEqual([]);
    expect(options.sidecars.map((x) => x.appId).sort()).toEqual(pods.map((p) => flagValues(p.sidecar?.args ?? [], 'app-id')[0]).sort());
  });
});
