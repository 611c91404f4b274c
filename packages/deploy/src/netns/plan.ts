/**
 * @module netns/plan
 * Turns a compose file into what the netns runner starts, with no side effects: service groups
 * (an app plus the services that share its network through `network_mode: service:<app>`), one
 * local command per service (the image's folder in the repository as working directory, the
 * Dockerfile's entrypoint plus the compose command, container paths mapped back to the host
 * folders their bind mounts come from or the repository files the Dockerfile copies), the
 * environment, the start order, and the services that are the
 * machine's own servers reached through a forwarder (Redis, PostgreSQL).
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { activeServices, serviceEnv, type ComposeProject, type ComposeService } from '../compose/load';
import { hostPath, namedVolumeAt } from '../compose/sidecars';
import { readImageDefaults } from './image-defaults';

export type DependsCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

/** How one image runs from the repository instead of a container. */
export interface ImageRun {
  /** Working directory, relative to the repository root (default: the Dockerfile's folder). */
  cwd?: string;
  /** Replaces the Dockerfile's ENTRYPOINT. */
  entrypoint?: string[];
  /** Added to the Dockerfile's ENV. */
  env?: Record<string, string>;
}

export interface NetnsStep {
  /** The compose file (absolute path). */
  composeFile: string;
  repoRoot: string;
  /** Compose profiles to enable (services without profiles always run). */
  profiles?: string[];
  /** Per image (compose `image:` value, or the Dockerfile path relative to the repository root). */
  images?: Record<string, ImageRun>;
  /** Images served by the machine's own servers on 127.0.0.1, by repository name → port. */
  external?: Record<string, number>;
  /** Executable substitutions for argv[0], e.g. `node` → the running Node binary. */
  commands?: Record<string, string>;
  /** Added to every process's environment (after the compose file's). */
  env?: Record<string, string>;
  /** Per service environment overrides, applied last. */
  serviceEnv?: Record<string, Record<string, string>>;
  /** Host folders standing in for named volumes (volume name → folder); startTopology makes temp ones. */
  volumes?: Record<string, string>;
}

export interface PlannedService {
  name: string;
  group: string;
  cwd: string;
  argv: string[];
  env: Record<string, string>;
  dependsOn: { service: string; condition: DependsCondition }[];
  healthcheck?: string[];
  /** Other names the service answers to (compose network aliases). */
  aliases: string[];
}

export interface PlannedExternal {
  name: string;
  port: number;
}

export interface Plan {
  project: string;
  groups: { name: string; services: string[] }[];
  /** In start order: every service after the ones it depends on. */
  services: PlannedService[];
  externals: PlannedExternal[];
}

export const DEFAULT_EXTERNAL: Readonly<Record<string, number>> = { redis: 6379, postgres: 5432 };

/** `docker.io/library/redis:7.4-alpine` → `redis`. */
export function imageRepository(image: string): string {
  const noDigest = image.split('@')[0] as string;
  const last = noDigest.split('/').pop() as string;
  return last.split(':')[0] as string;
}

type Copies = { target: string; source: string }[];

/** Every named volume of the project: the top-level `volumes` and those the services mount. */
export function namedVolumes(compose: ComposeProject): string[] {
  const declared = compose.doc.volumes !== null && typeof compose.doc.volumes === 'object' ? Object.keys(compose.doc.volumes) : [];
  return [...new Set([...declared, ...compose.services.flatMap((s) => s.volumes.filter((v) => !v.bind && v.source).map((v) => v.source))])].sort();
}

/**
 * A container path in an argument or variable → where it is on the host: under a bind mount of the
 * service, under a named volume's stand-in folder, or a file the image's Dockerfile copied from the
 * build context.
 */
function mapPaths(value: string, s: ComposeService, copies: Copies, volumes: Readonly<Record<string, string>>): string {
  if (!value.startsWith('/')) return value;
  const mounted = hostPath(s, value);
  if (mounted) return mounted;
  const named = namedVolumeAt(s, value);
  const folder = named ? volumes[named.source] : undefined;
  if (named && folder) return join(folder, relative(named.target, value));
  const copied = copies.find((c) => c.target === value);
  return copied ? copied.source : value;
}

/** Compose healthcheck `test` → the argv to run: CMD as is, CMD-SHELL (or a plain string) through sh -c. */
function healthArgv(test: string[] | undefined): string[] | undefined {
  if (!test?.length || test[0] === 'NONE') return undefined;
  if (test[0] === 'CMD') return test.slice(1);
  return ['sh', '-c', (test[0] === 'CMD-SHELL' ? test.slice(1) : test).join(' ')];
}

function dependsOn(s: ComposeService, file: string): PlannedService['dependsOn'] {
  return Object.entries(s.dependsOn).map(([service, condition]) => {
    if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition)) {
      throw new Error(`${file}: services.${s.name}.depends_on.${service}.condition: unknown condition "${condition}"`);
    }
    return { service, condition: condition as DependsCondition };
  });
}

function groupOf(s: ComposeService, byName: Map<string, ComposeService>, file: string, seen: string[] = []): string {
  if (!s.networkMode) return s.name;
  const m = /^(?:service|container):(.+)$/.exec(s.networkMode);
  if (!m) throw new Error(`${file}: services.${s.name}.network_mode: "${s.networkMode}" is not supported by the netns runner (only service:<name>)`);
  const target = byName.get(m[1] as string);
  if (!target) throw new Error(`${file}: services.${s.name}.network_mode: service "${m[1]}" is not part of this run`);
  if (seen.includes(target.name)) throw new Error(`${file}: services.${s.name}.network_mode: cycle through ${seen.join(', ')}`);
  return groupOf(target, byName, file, [...seen, s.name]);
}

function imageRun(s: ComposeService, step: NetnsStep, file: string): { cwd: string; entrypoint: string[]; cmd: string[]; env: Record<string, string>; copies: Copies } {
  const dockerfile = s.build?.dockerfile;
  const override = (s.image && step.images?.[s.image]) || (dockerfile && step.images?.[relative(step.repoRoot, dockerfile)]) || undefined;
  if (!dockerfile && !override) {
    throw new Error(`${file}: services.${s.name}: image "${s.image ?? '?'}" has no build section and no local equivalent (give it in the step's images or external)`);
  }
  const defaults = dockerfile && existsSync(dockerfile) ? readImageDefaults(dockerfile) : { env: {} as Record<string, string>, entrypoint: undefined, cmd: undefined, copies: [] };
  const cwd = override?.cwd !== undefined ? resolve(step.repoRoot, override.cwd) : dockerfile ? dirname(dockerfile) : step.repoRoot;
  return {
    cwd,
    entrypoint: override?.entrypoint ?? defaults.entrypoint ?? [],
    cmd: defaults.cmd ?? [],
    env: { ...defaults.env, ...override?.env },
    copies: defaults.copies.map((c) => ({ target: c.target, source: resolve(s.build?.context ?? step.repoRoot, c.source) })),
  };
}

function startOrder(services: PlannedService[], externals: Set<string>, file: string): PlannedService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>(externals);
  const order: PlannedService[] = [];
  const visit = (s: PlannedService, path: string[]) => {
    if (done.has(s.name)) return;
    if (path.includes(s.name)) throw new Error(`${file}: depends_on cycle: ${[...path, s.name].join(' → ')}`);
    const deps = [...s.dependsOn.map((d) => d.service), ...(s.group !== s.name ? [s.group] : [])];
    for (const d of deps) {
      const dep = byName.get(d);
      if (dep) visit(dep, [...path, s.name]);
      else if (!externals.has(d)) throw new Error(`${file}: services.${s.name}.depends_on: service "${d}" is not part of this run (profile not enabled?)`);
    }
    done.add(s.name);
    order.push(s);
  };
  for (const s of services) visit(s, []);
  return order;
}

export function planCompose(compose: ComposeProject, step: NetnsStep): Plan {
  const file = relative(step.repoRoot, compose.file) || compose.file;
  const chosen = activeServices(compose, step.profiles ?? []);
  const byName = new Map(chosen.map((s) => [s.name, s]));
  const externalPorts = step.external ?? DEFAULT_EXTERNAL;
  const commands: Record<string, string> = { node: process.execPath, ...step.commands };

  const externals: PlannedExternal[] = [];
  const planned: PlannedService[] = [];
  for (const s of chosen) {
    const port = !s.build && s.image ? externalPorts[imageRepository(s.image)] : undefined;
    if (port !== undefined) {
      externals.push({ name: s.name, port });
      continue;
    }
    const run = imageRun(s, step, file);
    const entrypoint = s.entrypoint ?? run.entrypoint;
    const map = (a: string): string => mapPaths(a, s, run.copies, step.volumes ?? {});
    const argv = [...entrypoint, ...(s.command ?? (s.entrypoint ? [] : run.cmd))].map(map);
    if (argv.length === 0) throw new Error(`${file}: services.${s.name}: no command (no compose command and no ENTRYPOINT/CMD in its Dockerfile)`);
    argv[0] = commands[argv[0] as string] ?? (argv[0] as string);
    const env: Record<string, string> = { ...run.env, ...serviceEnv(s), ...step.env, ...step.serviceEnv?.[s.name] };
    for (const k of Object.keys(env)) env[k] = map(env[k] as string);
    const health = healthArgv(s.healthcheck)?.map(map);
    if (health?.length) health[0] = commands[health[0] as string] ?? (health[0] as string);
    planned.push({ name: s.name, group: groupOf(s, byName, file), cwd: run.cwd, argv, env, dependsOn: dependsOn(s, file), healthcheck: health, aliases: s.aliases });
  }

  const externalNames = new Set(externals.map((e) => e.name));
  for (const p of planned) {
    if (externalNames.has(p.group)) throw new Error(`${file}: services.${p.name}: cannot share the network of "${p.group}", which runs outside the namespaces`);
  }
  const services = startOrder(planned, externalNames, file);
  const groups: Plan['groups'] = [];
  for (const s of services) {
    const g = groups.find((x) => x.name === s.group);
    if (g) g.services.push(s.name);
    else groups.push({ name: s.group, services: [s.name] });
  }
  return { project: compose.name ?? 'compose', groups, services, externals };
}
