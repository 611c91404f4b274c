/**
 * Every compose file of the steps table: valid against the Compose Specification, pinned images
 * from images.yaml, health-gated start order, ports on app services (and the dashboard) only,
 * sidecars whose command lines, components and Configuration minidaprd itself accepts, and a
 * `dashboard` service whose command line the CLI accepts, watching every sidecar of the file,
 * with the sidecars' spans sent to its collector.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import {
  allowedImages,
  appKeys,
  checkComponents,
  checkConfiguration,
  checkDashboardArgs,
  checkZipkinEndpoint,
  cliArgsOf,
  DASHBOARD_IMAGE_KEY,
  DASHBOARD_PROFILE,
  DASHBOARD_SERVICE,
  isDashboardImage,
  parseDockerfile,
  tracingOf,
  checkScripts,
  checkSidecarArgs,
  flagValues,
  hostPath,
  isPinned,
  loadCompose,
  namedVolumeAt,
  loadImages,
  profilesOf,
  repoRoot,
  serviceEnv,
  sidecarsOf,
  STEPS,
  trustRootServicesOf,
  validateComposeSchema,
  type ComposeProject,
} from '../../../src';

const ROOT = repoRoot();
const images = loadImages();
const composeDirs = [...new Set(STEPS.flatMap((s) => (s.compose ? [s.compose] : [])))];
const projects = new Map<string, ComposeProject>(composeDirs.map((d) => [d, loadCompose(join(ROOT, d, 'compose.yaml'))]));
const rel = (p: string): string => relative(ROOT, p);
const dashboardEntrypoint = parseDockerfile(readFileSync(join(ROOT, images.built[DASHBOARD_IMAGE_KEY]?.dockerfile ?? ''), 'utf8')).entrypoint ?? [];

describe.each(composeDirs)('%s/compose.yaml', (dir) => {
  const project = projects.get(dir) as ComposeProject;
  const sidecars = sidecarsOf(project);

  it('is valid against the Compose Specification schema', () => {
    expect(validateComposeSchema(project.doc, rel(project.file))).toEqual([]);
  });

  it('uses pinned images listed in packages/deploy/images.yaml, built from the Dockerfile listed there', () => {
    const allowed = allowedImages(images);
    const problems: string[] = [];
    for (const s of project.services) {
      if (!s.image) problems.push(`${s.name}: no image name (tag the build with an images.yaml name)`);
      else if (!isPinned(s.image) || !allowed.has(s.image)) problems.push(`${s.name}: image ${s.image} is not a pinned image of images.yaml`);
      if (s.build) {
        const entry = Object.values(images.built).find((b) => b.image === s.image);
        if (!entry || join(ROOT, entry.dockerfile) !== s.build.dockerfile) problems.push(`${s.name}: builds ${rel(s.build.dockerfile)}, images.yaml says ${entry?.dockerfile}`);
        if (s.build.context !== ROOT) problems.push(`${s.name}: the build context must be the repository root, got ${rel(s.build.context) || '.'}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every app a sidecar service <app>-dapr in its network namespace', () => {
    expect(sidecars.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const sc of sidecars) {
      if (!sc.app) problems.push(`${sc.service.name}: network_mode must be "service:<app>" of an existing service, got ${sc.service.networkMode}`);
      else if (sc.service.name !== `${sc.app.name}-dapr`) problems.push(`${sc.service.name}: name it ${sc.app.name}-dapr`);
      else if (sc.app.profiles.join() !== sc.service.profiles.join()) problems.push(`${sc.service.name}: profiles differ from ${sc.app.name}'s`);
    }
    const apps = new Set(sidecars.map((sc) => sc.app?.name));
    const roots = trustRootServicesOf(project);
    const infra = project.services.filter((s) => !apps.has(s.name) && !sidecars.some((sc) => sc.service === s) && !roots.includes(s) && !isDashboardImage(s.image));
    for (const s of infra) if (s.build) problems.push(`${s.name}: built from this repository but has no sidecar`);
    expect(problems).toEqual([]);
  });

  it('publishes ports on app services (and the dashboard) only', () => {
    const apps = new Set(sidecars.map((sc) => sc.app?.name));
    const offenders = project.services.filter((s) => s.ports.length > 0 && !apps.has(s.name) && !isDashboardImage(s.image)).map((s) => s.name);
    expect(offenders).toEqual([]);
  });

  it('starts dependants only after health checks pass, and every depended-on service has one', () => {
    const byName = new Map(project.services.map((s) => [s.name, s]));
    const problems: string[] = [];
    for (const s of project.services) {
      for (const [dep, condition] of Object.entries(s.dependsOn)) {
        // A sidecar shares its app's network namespace, so it may start as soon as the app has
        // started: minidaprd waits for the app port itself, and an app that waits for its sidecar
        // before listening (bindings' batch) would otherwise never become healthy.
        const sharesNetwork = s.networkMode === `service:${dep}`;
        // The trust-root one-shot has no health: it has finished or it has not.
        const oneShot = trustRootServicesOf(project).some((r) => r.name === dep);
        if (oneShot) {
          if (condition !== 'service_completed_successfully') problems.push(`${s.name}: depends_on ${dep} (a one-shot) should wait for service_completed_successfully, not ${condition}`);
          continue;
        }
        if (condition !== 'service_healthy' && !(sharesNetwork && condition === 'service_started')) {
          problems.push(`${s.name}: depends_on ${dep} should wait for service_healthy, not ${condition}`);
        }
        if (!byName.get(dep)?.healthcheck) problems.push(`${s.name}: depends_on ${dep}, which has no healthcheck`);
      }
    }
    for (const sc of sidecars) if (!sc.service.healthcheck) problems.push(`${sc.service.name}: no healthcheck`);
    expect(problems).toEqual([]);
  });

  it('runs sidecar command lines that minidaprd parses without errors or warnings', () => {
    const problems: string[] = [];
    for (const sc of sidecars) {
      const { options, problems: p } = checkSidecarArgs(sc.args, `${rel(project.file)}: ${sc.service.name}`);
      problems.push(...p);
      if (!options) continue;
      if (!options.listenAddresses.includes('0.0.0.0')) problems.push(`${sc.service.name}: other containers reach the sidecar only with --dapr-listen-addresses 0.0.0.0`);
      if (options.mtls.enabled !== true) problems.push(`${sc.service.name}: sidecars talk to each other over mTLS here: pass --enable-mtls`);
      // With mTLS the sidecar-to-sidecar port listens where the API does, unless told otherwise.
      const internal = options.internalListenAddresses ?? (options.mtls.enabled ? options.listenAddresses : ['127.0.0.1']);
      if (!internal.includes('0.0.0.0')) problems.push(`${sc.service.name}: other containers cannot reach the sidecar-to-sidecar port (listens on ${internal.join(', ')})`);
      const appPort = sc.app?.environment.APP_PORT;
      if (String(options.appPort ?? '') !== (appPort ?? '')) problems.push(`${sc.service.name}: --app-port ${options.appPort} but ${sc.app?.name} has APP_PORT=${appPort}`);
      const daprPort = sc.app?.environment.DAPR_HTTP_PORT;
      if (daprPort !== undefined && daprPort !== String(options.daprHttpPort)) problems.push(`${sc.service.name}: --dapr-http-port ${options.daprHttpPort} but ${sc.app?.name} has DAPR_HTTP_PORT=${daprPort}`);
      const grpcPort = sc.app?.environment.DAPR_GRPC_PORT;
      if (grpcPort !== undefined && grpcPort !== String(options.daprGrpcPort)) problems.push(`${sc.service.name}: --dapr-grpc-port ${options.daprGrpcPort} but ${sc.app?.name} has DAPR_GRPC_PORT=${grpcPort}`);
    }
    expect(problems).toEqual([]);
  });

  it('mounts component files and a Configuration that minidaprd loads', () => {
    const problems: string[] = [];
    for (const sc of sidecars) {
      const where = `${rel(project.file)}: ${sc.service.name}`;
      const appId = flagValues(sc.args, 'app-id')[0] ?? '';
      const resources = flagValues(sc.args, 'resources-path', 'components-path').map((p) => ({ p, host: hostPath(sc.service, p) }));
      for (const r of resources) if (!r.host || !existsSync(r.host)) problems.push(`${where}: --resources-path ${r.p} is not a mounted host folder`);
      const paths = resources.flatMap((r) => (r.host && existsSync(r.host) ? [r.host] : []));
      if (paths.length > 0) {
        problems.push(...checkComponents(paths, { appId, envNames: Object.keys(serviceEnv(sc.service)) }).problems);
      }
      for (const c of flagValues(sc.args, 'config')) {
        const host = hostPath(sc.service, c);
        if (!host || !existsSync(host)) problems.push(`${where}: --config ${c} is not a mounted host file`);
        else {
          const cfg = checkConfiguration(host);
          problems.push(...cfg.problems);
          if (cfg.resolver !== 'dns') problems.push(`${where}: --config ${c} should resolve app ids by DNS, got ${cfg.resolver ?? 'the local registry'}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every sidecar the trust root a one-shot service writes into a named volume, mounted read-only', () => {
    const roots = trustRootServicesOf(project);
    const problems: string[] = [];
    if (roots.length !== 1) problems.push(`${rel(project.file)}: expected one trust-root service (entrypoint bin/create-trust-root.js), found ${roots.length}`);
    const root = roots[0];
    const out = root ? flagValues(root.command ?? [], 'out')[0] : undefined;
    const rootVolume = root && out ? namedVolumeAt(root, out) : undefined;
    if (root && (!rootVolume || rootVolume.readOnly)) problems.push(`${root.name}: --out ${out} is not a writable named volume`);
    if (root?.profiles.length) problems.push(`${root.name}: must run with every profile (no profiles)`);
    const declared = Object.keys((project.doc.volumes ?? {}) as object);
    if (rootVolume && !declared.includes(rootVolume.source)) problems.push(`volume ${rootVolume.source} is not declared under the top-level volumes`);
    for (const sc of sidecars) {
      const where = `${sc.service.name}`;
      if (root && sc.service.dependsOn[root.name] !== 'service_completed_successfully') problems.push(`${where}: depends_on ${root.name} with condition service_completed_successfully`);
      // Where in the volume each flag points must be where the one-shot wrote the files.
      const rootRel = rootVolume && out ? relative(rootVolume.target, out) : '';
      const expected: [string, string][] = [
        ['issuer-credentials', rootRel],
        ['trust-anchors-file', join(rootRel, 'ca.crt')],
      ];
      for (const [flag, inVolume] of expected) {
        const p = flagValues(sc.args, flag)[0];
        const v = p ? namedVolumeAt(sc.service, p) : undefined;
        if (!p) problems.push(`${where}: pass --${flag}`);
        else if (!v || v.source !== rootVolume?.source) problems.push(`${where}: --${flag} ${p} is not in the ${rootVolume?.source ?? 'trust-root'} volume`);
        else if (!v.readOnly) problems.push(`${where}: mount the ${v.source} volume read-only (:ro)`);
        else if (relative(v.target, p) !== inVolume) problems.push(`${where}: --${flag} ${p} is not where ${root?.name} writes ${inVolume || 'the root'}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it(`runs the dashboard as service ${DASHBOARD_SERVICE} under the ${DASHBOARD_PROFILE} profile, with a command line the CLI accepts`, () => {
    const dashboards = project.services.filter((s) => isDashboardImage(s.image));
    expect(dashboards.map((s) => [s.name, s.profiles])).toEqual([[DASHBOARD_SERVICE, [DASHBOARD_PROFILE]]]);
    const d = dashboards[0];
    if (!d) return;
    const argv = cliArgsOf([...(d.entrypoint ?? dashboardEntrypoint), ...(d.command ?? [])]) ?? [];
    const { options, problems } = checkDashboardArgs(argv, `${rel(project.file)}: ${d.name}`, serviceEnv(d));
    expect(problems).toEqual([]);
    expect(options).toMatchObject({ address: '0.0.0.0', collector: true });
    // The UI and the Zipkin port are published on the same host ports.
    expect(d.ports).toEqual(expect.arrayContaining([`${options?.port}:${options?.port}`, `${options?.zipkinPort}:${options?.zipkinPort}`]));
  });

  it('watches every sidecar of the file (app ids of the steps table) where it listens, and the sidecars send it their spans', () => {
    const d = project.services.find((s) => isDashboardImage(s.image));
    const options = d && checkDashboardArgs(cliArgsOf([...(d.entrypoint ?? dashboardEntrypoint), ...(d.command ?? [])]) ?? [], d.name, serviceEnv(d)).options;
    expect(options).toBeDefined();
    if (!d || !options) return;
    const watched = options.sidecars;
    const stepIds = new Set(STEPS.filter((st) => st.compose === dir).flatMap((st) => st.variants.flatMap((v) => v.apps.map((a) => a.appId))));
    expect([...new Set(watched.map((w) => w.appId))].sort()).toEqual([...stepIds].sort());
    const problems: string[] = [];
    for (const sc of sidecars) {
      const o = checkSidecarArgs(sc.args, sc.service.name).options;
      if (!o || !sc.app) continue;
      const w = watched.find((x) => x.appId === o.appId);
      // The sidecar shares its app service's network namespace: reached by that service's name or alias.
      const hosts = [sc.app.name, ...sc.app.aliases];
      if (!w) problems.push(`${d.name}: no --sidecar for app id ${o.appId}`);
      else {
        if (!hosts.includes(w.host)) problems.push(`${d.name}: --sidecar ${o.appId} at host ${w.host}, but ${sc.service.name} is reached as ${hosts.join(' or ')}`);
        if (w.httpPort !== o.daprHttpPort) problems.push(`${d.name}: --sidecar ${o.appId} HTTP port ${w.httpPort}, but ${sc.service.name} has --dapr-http-port ${o.daprHttpPort}`);
        if (w.metricsPort !== o.metricsPort) problems.push(`${d.name}: --sidecar ${o.appId} metrics port ${w.metricsPort}, but ${sc.service.name} has --metrics-port ${o.metricsPort}`);
      }
      for (const c of flagValues(sc.args, 'config')) {
        const host = hostPath(sc.service, c);
        if (!host || !existsSync(host)) continue; // reported by the Configuration check
        const t = tracingOf(host);
        if (!(Number(t.samplingRate) > 0)) problems.push(`${sc.service.name}: ${rel(host)} samples no traces (spec.tracing.samplingRate ${t.samplingRate})`);
        problems.push(...checkZipkinEndpoint(t.zipkinEndpoint, [d.name, ...d.aliases], options.zipkinPort, `${sc.service.name}: ${rel(host)}`));
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('runs app commands whose scripts exist in the variant built into the image', () => {
    const problems: string[] = [];
    for (const s of project.services) {
      if (s.build && s.command) problems.push(...checkScripts(s.command, dirname(s.build.dockerfile), `${rel(project.file)}: ${s.name}`));
    }
    expect(problems).toEqual([]);
  });
});

describe.each(STEPS.filter((s) => s.compose).map((s) => [s.name, s] as const))('compose for %s', (_name, step) => {
  const project = projects.get(step.compose as string) as ComposeProject;

  it('runs the app ids and app ports of the steps table', () => {
    const keys = new Set<string>();
    for (const sc of sidecarsOf(project)) {
      const o = checkSidecarArgs(sc.args, sc.service.name).options;
      if (o) keys.add(`${o.appId}:${o.appPort ?? '-'}`);
    }
    expect([...keys].sort()).toEqual(appKeys(step));
  });

  it('offers one profile per variant when a step has several variants with their own images', () => {
    const images = new Set(step.variants.map((v) => v.image));
    if (step.variants.length > 1 && images.size === step.variants.length && step.variants.every((v) => ['http', 'sdk', 'sdk-grpc', 'python'].includes(v.name))) {
      expect(profilesOf(project).filter((p) => p !== DASHBOARD_PROFILE)).toEqual(step.variants.map((v) => v.name).sort());
    } else {
      expect(profilesOf(project).filter((p) => p !== DASHBOARD_PROFILE)).toEqual([]);
    }
  });
});
