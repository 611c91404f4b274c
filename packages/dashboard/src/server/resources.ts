/**
 * @module server/resources
 * The Components and Configurations views: the resource files of every running app, each document
 * once, with the apps that loaded it (components: listed by name in the sidecar's metadata;
 * configurations: named in the app's configPaths). A static sidecar (--sidecar) has no files here:
 * its components come from its /v1.0/metadata alone (file "", YAML rebuilt from name/type/version).
 */
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import type { RegisteredApp } from './apps';
import { parseResourceFile, yamlFilesIn, type ResourceDoc } from './resource-files';
import { sidecarMetadata } from './sidecar-client';

export interface Resource extends ResourceDoc {
  loadedBy: string[];
}

function componentNames(metadata: Record<string, unknown>): Set<string> {
  const list = Array.isArray(metadata.components) ? metadata.components : [];
  return new Set(list.map((c) => String((c as { name?: unknown }).name ?? '')));
}

function collect(files: Map<string, Resource>, docs: ResourceDoc[]): Resource[] {
  return docs.map((d) => {
    const key = `${d.file}\n${d.kind}\n${d.name}`;
    let r = files.get(key);
    if (!r) files.set(key, (r = { ...d, loadedBy: [] }));
    return r;
  });
}

const addApp = (r: Resource, appId: string): void => {
  if (!r.loadedBy.includes(appId)) r.loadedBy.push(appId);
};

/** The components a sidecar's metadata lists, as documents without a file. */
export function metadataComponents(metadata: Record<string, unknown>): ResourceDoc[] {
  const list = Array.isArray(metadata.components) ? (metadata.components as Array<Record<string, unknown>>) : [];
  return list
    .filter((c) => typeof c.name === 'string' && c.name !== '')
    .map((c) => {
      const name = c.name as string;
      const type = typeof c.type === 'string' ? c.type : undefined;
      const version = typeof c.version === 'string' ? c.version : undefined;
      const yaml = stringify({ apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { ...(type ? { type } : {}), ...(version ? { version } : {}) } });
      return { kind: 'Component', name, ...(type ? { type } : {}), ...(version ? { version } : {}), file: '', yaml };
    });
}

/** Resources of the running apps' resourcesPaths (every kind but Configuration). */
export async function listComponents(apps: readonly RegisteredApp[]): Promise<Resource[]> {
  const all = new Map<string, Resource>();
  await Promise.all(
    apps.map(async (a) => {
      const meta = await sidecarMetadata(a.target);
      if (a.static) {
        if ('metadata' in meta) for (const r of collect(all, metadataComponents(meta.metadata))) addApp(r, a.running.appId);
        return;
      }
      const loaded = 'metadata' in meta ? componentNames(meta.metadata) : undefined;
      const docs = (a.instance.resourcesPaths ?? []).flatMap((p) => yamlFilesIn(resolve(a.instance.cwd ?? '.', p))).flatMap(parseResourceFile);
      for (const r of collect(all, docs.filter((d) => d.kind !== 'Configuration'))) {
        const inScope = !r.scopes || r.scopes.length === 0 || r.scopes.includes(a.running.appId);
        // Components: what the sidecar says it loaded; without its metadata, what its scopes allow.
        const isLoaded = r.kind === 'Component' && loaded ? loaded.has(r.name) : inScope;
        if (isLoaded) addApp(r, a.running.appId);
      }
    }),
  );
  return sortResources([...all.values()]);
}

/** Configuration documents of the running apps' configPaths (and of their resourcesPaths). */
export function listConfigurations(apps: readonly RegisteredApp[]): Resource[] {
  const all = new Map<string, Resource>();
  for (const a of apps) {
    const cwd = a.instance.cwd ?? '.';
    const configFiles = (a.instance.configPaths ?? []).map((p) => resolve(cwd, p));
    for (const r of collect(all, configFiles.flatMap(parseResourceFile).filter((d) => d.kind === 'Configuration'))) addApp(r, a.running.appId);
    const inResources = (a.instance.resourcesPaths ?? []).flatMap((p) => yamlFilesIn(resolve(cwd, p))).flatMap(parseResourceFile);
    collect(all, inResources.filter((d) => d.kind === 'Configuration'));
  }
  return sortResources([...all.values()]);
}

function sortResources(list: Resource[]): Resource[] {
  for (const r of list) r.loadedBy.sort();
  return list.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name) || a.file.localeCompare(b.file));
}
