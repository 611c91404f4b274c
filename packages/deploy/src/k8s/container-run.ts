/**
 * @module k8s/container-run
 * What a container of a built manifest would see, made real on this machine: its environment as
 * the kubelet computes it (envFrom, then env in order, `$(VAR)` references, secretKeyRef,
 * configMapKeyRef and the downward API's fieldRef), its ConfigMap/Secret/emptyDir volumes written
 * to a folder, and its command line (the image's ENTRYPOINT from the Dockerfile images.yaml names,
 * plus `args`) with `$(VAR)` expanded and mount paths mapped to those folders.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { loadImages } from '../images';
import { readImageDefaults } from '../netns/image-defaults';
import type { K8sObject } from './kustomize';
import type { Container } from './pods';

/** Who the pod is, for the downward API (fieldRef). */
export interface PodIdentity {
  namespace: string;
  name: string;
  ip: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

type KeyRef = { name?: string; key: string; optional?: boolean };
type SourceRef = { name?: string; optional?: boolean };
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef; fieldRef?: { fieldPath: string }; resourceFieldRef?: unknown };
}
interface EnvFrom {
  prefix?: string;
  configMapRef?: SourceRef;
  secretRef?: SourceRef;
}
type Items = Array<{ key: string; path: string }>;
interface Volume {
  name: string;
  configMap?: { name?: string; items?: Items; optional?: boolean };
  secret?: { secretName?: string; items?: Items; optional?: boolean };
  emptyDir?: unknown;
}
export interface FullContainer extends Container {
  envFrom?: EnvFrom[];
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string }>;
}

/** Kubernetes' `$(VAR)` expansion: defined variables are replaced, `$$` is a literal `$`, anything else stays. */
export function expandK8sVars(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    return name !== undefined && name in env ? (env[name] as string) : whole;
  });
}

/** The data of a ConfigMap or Secret (Secret `data` base64-decoded, `stringData` as is); undefined when absent. */
export function objectData(objects: readonly K8sObject[], kind: 'ConfigMap' | 'Secret', name: string, namespace: string): Record<string, string> | undefined {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name && (x.metadata?.namespace ?? namespace) === namespace);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  const data = (o.data ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(data)) out[k] = kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v;
  for (const [k, v] of Object.entries((o.stringData ?? {}) as Record<string, string>)) out[k] = v;
  if (kind === 'ConfigMap') for (const [k, v] of Object.entries((o.binaryData ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString('latin1');
  return out;
}

function fieldValue(path: string, pod: PodIdentity): string {
  const m = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.labels : pod.annotations)?.[m[2] as string] ?? '';
  const fields: Record<string, string> = {
    'metadata.namespace': pod.namespace,
    'metadata.name': pod.name,
    'metadata.uid': `00000000-0000-4000-8000-${Buffer.from(pod.name).toString('hex').padEnd(12, '0').slice(0, 12)}`,
    'status.podIP': pod.ip,
    'status.podIPs': pod.ip,
    'status.hostIP': pod.ip,
    'spec.nodeName': 'local',
    'spec.serviceAccountName': 'default',
  };
  const v = fields[path];
  if (v === undefined) throw new Error(`fieldRef ${path} is not supported here`);
  return v;
}

/** The container's environment as the kubelet builds it. Throws, naming the variable, on a missing non-optional reference. */
export function containerEnv(objects: readonly K8sObject[], pod: PodIdentity, c: FullContainer): Record<string, string> {
  const where = `container ${c.name} of pod ${pod.namespace}/${pod.name}`;
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const [kind, ref] = from.configMapRef ? (['ConfigMap', from.configMapRef] as const) : (['Secret', from.secretRef ?? {}] as const);
    const data = objectData(objects, kind, ref.name ?? '', pod.namespace);
    if (!data) {
      if (ref.optional) continue;
      throw new Error(`${where}: envFrom ${kind} "${ref.name}" is not in the manifests`);
    }
    for (const [k, v] of Object.entries(data)) env[`${from.prefix ?? ''}${k}`] = v;
  }
  for (const e of (c.env ?? []) as EnvVar[]) {
    const vf = e.valueFrom;
    if (!vf) {
      env[e.name] = expandK8sVars(e.value ?? '', env);
      continue;
    }
    const keyRef = vf.secretKeyRef ?? vf.configMapKeyRef;
    if (keyRef) {
      const kind = vf.secretKeyRef ? 'Secret' : 'ConfigMap';
      const value = objectData(objects, kind, keyRef.name ?? '', pod.namespace)?.[keyRef.key];
      if (value !== undefined) env[e.name] = value;
      else if (!keyRef.optional) throw new Error(`${where}: env ${e.name}: ${kind} "${keyRef.name}" has no key "${keyRef.key}" in the manifests`);
    } else if (vf.fieldRef) env[e.name] = fieldValue(vf.fieldRef.fieldPath, pod);
    else throw new Error(`${where}: env ${e.name}: only secretKeyRef, configMapKeyRef and fieldRef are supported here`);
  }
  return env;
}

export interface Mount {
  /** The path in the container. */
  mountPath: string;
  /** Where its content is on this machine. */
  local: string;
}

function writeItems(data: Record<string, string>, items: Items | undefined, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const entries = items ? items.map((i) => [i.path, data[i.key]] as const) : Object.entries(data);
  for (const [path, value] of entries) {
    if (value === undefined) continue;
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, value);
  }
}

/** Writes the volumes the container mounts under `dir` (one folder per volume); returns the mounts. */
export function materialiseMounts(objects: readonly K8sObject[], pod: PodIdentity, volumes: readonly Volume[], c: FullContainer, dir: string): Mount[] {
  const where = `container ${c.name} of pod ${pod.namespace}/${pod.name}`;
  const mounts: Mount[] = [];
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.find((x) => x.name === m.name);
    if (!v) throw new Error(`${where}: volumeMount ${m.mountPath}: no volume "${m.name}" in the pod`);
    const local = join(dir, 'volumes', v.name);
    if (v.configMap || v.secret) {
      const kind = v.configMap ? 'ConfigMap' : 'Secret';
      const name = v.configMap?.name ?? v.secret?.secretName ?? '';
      const data = objectData(objects, kind, name, pod.namespace);
      if (!data && !(v.configMap ?? v.secret)?.optional) throw new Error(`${where}: volume ${v.name}: ${kind} "${name}" is not in the manifests`);
      writeItems(data ?? {}, (v.configMap ?? v.secret)?.items, local);
    } else if (v.emptyDir !== undefined) mkdirSync(local, { recursive: true });
    else throw new Error(`${where}: volume ${v.name}: only configMap, secret and emptyDir volumes are supported here`);
    mounts.push({ mountPath: posix.normalize(m.mountPath).replace(/(.)\/+$/, '$1'), local: m.subPath ? join(local, m.subPath) : local });
  }
  return mounts;
}

/** A container path (or `--flag=path`) under a mount → the same path under the mount's local folder. */
export function mapMountPath(value: string, mounts: readonly Mount[]): string {
  const eq = value.startsWith('-') ? value.indexOf('=') : -1;
  if (eq >= 0) return `${value.slice(0, eq + 1)}${mapMountPath(value.slice(eq + 1), mounts)}`;
  if (!value.startsWith('/')) return value;
  const byDepth = [...mounts].sort((a, b) => b.mountPath.length - a.mountPath.length);
  for (const m of byDepth) {
    if (value === m.mountPath) return m.local;
    if (value.startsWith(`${m.mountPath}/`)) return join(m.local, value.slice(m.mountPath.length + 1));
  }
  return value;
}

export interface ContainerRun {
  /** argv[0] is the executable (`node` → the running Node binary). */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  mounts: Mount[];
}

/** The pod template spec of a Deployment (or a bare Pod). */
export function podSpecOf(o: K8sObject): { containers?: FullContainer[]; volumes?: Volume[] } {
  if (o.kind === 'Pod') return (o.spec ?? {}) as { containers?: FullContainer[]; volumes?: Volume[] };
  return (((o.spec as Record<string, unknown> | undefined)?.template as { spec?: object } | undefined)?.spec ?? {}) as { containers?: FullContainer[]; volumes?: Volume[] };
}

/**
 * How to run container `c` of `deployment` here: its image must be one built from this repository
 * (images.yaml `built`), whose Dockerfile gives ENTRYPOINT/CMD, ENV and the working directory (the
 * Dockerfile's folder). Volumes are written under `dir`.
 */
export function containerRun(objects: readonly K8sObject[], deployment: K8sObject, c: FullContainer, pod: PodIdentity, dir: string, repoRoot: string): ContainerRun {
  const built = Object.values(loadImages().built).find((b) => b.image === c.image);
  if (!built) throw new Error(`container ${c.name} of ${pod.namespace}/${pod.name}: image ${c.image} is not built from this repository (images.yaml)`);
  const dockerfile = resolve(repoRoot, built.dockerfile);
  const image = readImageDefaults(dockerfile);
  const mounts = materialiseMounts(objects, pod, podSpecOf(deployment).volumes ?? [], c, dir);
  const own = containerEnv(objects, pod, c);
  const env: Record<string, string> = { ...image.env, ...own };
  for (const k of Object.keys(env)) env[k] = mapMountPath(env[k] as string, mounts);
  // The kubelet expands $(VAR) in command and args with the container's own variables (not the image's ENV).
  const argv = [...(c.command ?? []), ...(c.args ?? (c.command ? [] : (image.cmd ?? [])))].map((a) => mapMountPath(expandK8sVars(a, own), mounts));
  if (!c.command) argv.unshift(...(image.entrypoint ?? []));
  if (argv.length === 0) throw new Error(`container ${c.name} of ${pod.namespace}/${pod.name}: no command (no command/args and no ENTRYPOINT/CMD in ${built.dockerfile})`);
  if (argv[0] === 'node') argv[0] = process.execPath;
  return { argv, cwd: dirname(dockerfile), env, mounts };
}
