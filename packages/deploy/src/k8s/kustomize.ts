/**
 * @module k8s/kustomize
 * `kubectl kustomize <dir>` → the objects `kubectl apply -k <dir>` would send.
 */
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

export type K8sObject = Record<string, unknown> & { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };

/** True when `kubectl` can run here. */
export function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}

export function kustomizeBuild(dir: string): K8sObject[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  if (r.error) throw new Error(`kubectl kustomize ${dir}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr.trim()}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** `Kind/name` for messages. */
export function describe(o: K8sObject): string {
  return `${o.kind ?? '?'}/${o.metadata?.name ?? '?'}`;
}
