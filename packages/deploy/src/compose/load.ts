/**
 * @module compose/load
 * A compose file → a normalised project model: YAML merge keys resolved, variables interpolated,
 * short and long syntaxes turned into one shape, relative host paths resolved against the file's
 * folder. The checks here and the later topology runner read this model, not the raw YAML.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { interpolateTree } from './interpolate';

export interface ComposeVolume {
  /** Absolute host path for bind mounts, or the named volume. */
  source: string;
  target: string;
  readOnly: boolean;
  bind: boolean;
}

export interface ComposeService {
  name: string;
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string>;
  envFiles: string[];
  /** Published ports as written (`"3000:3000"`). */
  ports: string[];
  profiles: string[];
  networkMode?: string;
  /** Network aliases (`networks: <net>: aliases:`), on any network. */
  aliases: string[];
  /** depends_on: service → condition. */
  dependsOn: Record<string, string>;
  healthcheck?: string[];
  volumes: ComposeVolume[];
}

export interface ComposeProject {
  file: string;
  dir: string;
  name?: string;
  /** The interpolated document, as the Compose schema sees it. */
  doc: Record<string, unknown>;
  services: ComposeService[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Splits a shell-form command the way compose does for simple cases (quotes, no expansions). */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) out.push(m[1] ?? m[2] ?? (m[3] as string));
  return out;
}

function list(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);
  return splitCommand(String(v));
}

function environment(v: unknown): Record<string, string> {
  if (Array.isArray(v)) {
    return Object.fromEntries(v.map((e) => String(e)).map((e) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, ''])));
  }
  return isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null ? '' : String(x)])) : {};
}

function volume(v: unknown, dir: string): ComposeVolume {
  if (isObject(v)) {
    const bind = v.type === 'bind';
    const source = String(v.source ?? '');
    return { source: bind ? resolve(dir, source) : source, target: String(v.target ?? ''), readOnly: v.read_only === true, bind };
  }
  const [source = '', target = source, mode = ''] = String(v).split(':');
  const bind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
  return { source: bind ? resolve(dir, source) : source, target, readOnly: mode.split(',').includes('ro'), bind };
}

function service(name: string, raw: Json, dir: string): ComposeService {
  const build = typeof raw.build === 'string' ? { context: raw.build } : isObject(raw.build) ? raw.build : undefined;
  const context = build ? resolve(dir, String(build.context ?? '.')) : undefined;
  const dependsOn: Record<string, string> = {};
  if (Array.isArray(raw.depends_on)) for (const d of raw.depends_on) dependsOn[String(d)] = 'service_started';
  else if (isObject(raw.depends_on)) for (const [d, c] of Object.entries(raw.depends_on)) dependsOn[d] = String((c as Json | null)?.condition ?? 'service_started');
  const hc = isObject(raw.healthcheck) && raw.healthcheck.disable !== true ? list(raw.healthcheck.test) : undefined;
  const envFile = raw.env_file === undefined ? [] : Array.isArray(raw.env_file) ? raw.env_file : [raw.env_file];
  return {
    name,
    image: raw.image === undefined ? undefined : String(raw.image),
    build: build && context ? { context, dockerfile: resolve(context, String(build.dockerfile ?? 'Dockerfile')) } : undefined,
    command: list(raw.command),
    entrypoint: list(raw.entrypoint),
    environment: environment(raw.environment),
    envFiles: envFile.map((f) => resolve(dir, String(isObject(f) ? f.path : f))),
    ports: Array.isArray(raw.ports) ? raw.ports.map((p) => (isObject(p) ? `${p.published ?? ''}:${p.target}` : String(p))) : [],
    profiles: Array.isArray(raw.profiles) ? raw.profiles.map(String) : [],
    networkMode: raw.network_mode === undefined ? undefined : String(raw.network_mode),
    aliases: isObject(raw.networks) ? Object.values(raw.networks).flatMap((n) => (isObject(n) && Array.isArray(n.aliases) ? n.aliases.map(String) : [])) : [],
    dependsOn,
    healthcheck: hc,
    volumes: Array.isArray(raw.volumes) ? raw.volumes.map((v) => volume(v, dir)) : [],
  };
}

/** Parses compose text; `file` names it in errors and anchors relative paths. */
export function parseCompose(text: string, file: string, env: Readonly<Record<string, string | undefined>> = {}): ComposeProject {
  const parsed = parse(text, { merge: true }) as unknown;
  if (!isObject(parsed)) throw new Error(`${file}: a compose file must be a YAML mapping`);
  const doc = interpolateTree(parsed, env) as Json;
  const dir = dirname(isAbsolute(file) ? file : resolve(file));
  const services = isObject(doc.services) ? Object.entries(doc.services).map(([n, s]) => service(n, isObject(s) ? s : {}, dir)) : [];
  return { file, dir, name: typeof doc.name === 'string' ? doc.name : undefined, doc, services };
}

export function loadCompose(file: string, env: Readonly<Record<string, string | undefined>> = {}): ComposeProject {
  return parseCompose(readFileSync(file, 'utf8'), resolve(file), env);
}

/** The services that run with `profiles` active (services without profiles always run). */
export function activeServices(project: ComposeProject, profiles: readonly string[]): ComposeService[] {
  return project.services.filter((s) => s.profiles.length === 0 || s.profiles.some((p) => profiles.includes(p)));
}

/** Every profile named in the file. */
export function profilesOf(project: ComposeProject): string[] {
  return [...new Set(project.services.flatMap((s) => s.profiles))].sort();
}

/** The variables of an env_file (`KEY=value` lines; `#` comments). */
export function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

/** The environment a service's processes see: env_file entries, then `environment`. */
export function serviceEnv(s: ComposeService): Record<string, string> {
  return Object.assign({}, ...s.envFiles.map(readEnvFile), s.environment) as Record<string, string>;
}
