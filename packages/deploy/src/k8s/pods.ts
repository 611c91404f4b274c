/**
 * @module k8s/pods
 * The minidaprd sidecar containers of built manifests, and the files they would see: ConfigMap
 * volumes written out to a folder so the runtime's own loaders can read them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { K8sObject } from './kustomize';

export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, unknown> }>;
  ports?: Array<{ containerPort: number; name?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
}

export interface PodSidecar {
  deployment: K8sObject;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  sidecar?: Container;
  apps: Container[];
  /** mountPath → ConfigMap name, for the sidecar's volume mounts. */
  configMapMounts: Record<string, string>;
}

interface PodSpec {
  containers?: Container[];
  volumes?: Array<{ name: string; configMap?: { name: string } }>;
}

const isSidecarImage = (image?: string): boolean => /(^|\/)minidaprd(:|@|$)/.test(image ?? '');

export function deploymentsOf(objects: readonly K8sObject[]): PodSidecar[] {
  return objects
    .filter((o) => o.kind === 'Deployment')
    .map((d) => {
      const template = ((d.spec as Record<string, unknown> | undefined)?.template ?? {}) as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: PodSpec };
      const containers = template.spec?.containers ?? [];
      const sidecar = containers.find((c) => isSidecarImage(c.image));
      const volumes = new Map((template.spec?.volumes ?? []).filter((v) => v.configMap).map((v) => [v.name, v.configMap?.name as string]));
      const configMapMounts: Record<string, string> = {};
      for (const m of sidecar?.volumeMounts ?? []) {
        const cm = volumes.get(m.name);
        if (cm) configMapMounts[m.mountPath] = cm;
      }
      return {
        deployment: d,
        labels: template.metadata?.labels ?? {},
        annotations: template.metadata?.annotations ?? {},
        sidecar,
        apps: containers.filter((c) => c !== sidecar),
        configMapMounts,
      };
    });
}

/** Writes ConfigMap `name`'s data into `dir` (one file per key); false when there is no such ConfigMap. */
export function writeConfigMap(objects: readonly K8sObject[], name: string, dir: string): boolean {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === name);
  if (!cm) return false;
  mkdirSync(dir, { recursive: true });
  for (const [key, value] of Object.entries((cm.data ?? {}) as Record<string, string>)) writeFileSync(join(dir, key), value);
  return true;
}

/**
 * Where the sidecar's `path` (a --resources-path or --config value) would be on the local disk: the
 * ConfigMap mounted at or above it written out under `dir`; undefined when no ConfigMap is mounted there.
 */
export function mountedConfigMapPath(objects: readonly K8sObject[], pod: PodSidecar, path: string, dir: string): string | undefined {
  const mount = Object.keys(pod.configMapMounts).find((m) => path === m || path.startsWith(`${m}/`));
  if (!mount) return undefined;
  const local = join(dir, mount);
  return writeConfigMap(objects, pod.configMapMounts[mount] as string, local) ? join(local, path.slice(mount.length)) : undefined;
}

/** The label selector of a Service. */
export function serviceSelector(o: K8sObject): Record<string, string> {
  return (((o.spec as Record<string, unknown> | undefined)?.selector ?? {}) as Record<string, string>);
}
