/**
 * @module server/resource-files
 * Dapr resource YAML: the files of a resources path (a folder's *.yaml / *.yml, or one file) and
 * each document of a multi-document file with its own YAML text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface ResourceDoc {
  kind: string;
  name: string;
  type?: string;
  version?: string;
  scopes?: string[];
  file: string;
  yaml: string;
}

const isYaml = (f: string): boolean => /\.ya?ml$/i.test(f);

/** The YAML files a resources path names (folders are read one level deep, as the sidecar does). */
export function yamlFilesIn(path: string): string[] {
  const abs = resolve(path);
  try {
    if (statSync(abs).isFile()) return isYaml(abs) ? [abs] : [];
    return readdirSync(abs)
      .filter(isYaml)
      .sort()
      .map((f) => join(abs, f))
      .filter((f) => statSync(f).isFile());
  } catch {
    return [];
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Every document of the file that looks like a Dapr resource (has a kind and metadata.name). */
export function parseResourceFile(file: string): ResourceDoc[] {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: ResourceDoc[] = [];
  let prevEnd = 0;
  for (const doc of parseAllDocuments(source)) {
    if (!('range' in doc)) continue; // an empty stream
    const end = doc.range[2];
    const yaml = source.slice(prevEnd, end).replace(/^\s*---[^\n]*\n/, '').replace(/\s+$/, '\n');
    prevEnd = end;
    if (doc.errors.length > 0) continue;
    const v = doc.toJS() as Record<string, unknown> | null;
    if (!v || typeof v !== 'object') continue;
    const meta = (v.metadata ?? {}) as Record<string, unknown>;
    const spec = (v.spec ?? {}) as Record<string, unknown>;
    const kind = str(v.kind);
    const name = str(meta.name);
    if (!kind || !name) continue;
    const scopes = Array.isArray(v.scopes) ? v.scopes.map(String) : undefined;
    out.push({ kind, name, type: str(spec.type), version: str(spec.version), scopes, file, yaml });
  }
  return out;
}
