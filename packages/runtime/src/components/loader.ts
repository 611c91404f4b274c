/**
 * @module components/loader
 * Reads every *.yaml / *.yml in the resources paths (multi-document files allowed), validates the
 * Dapr resource shape once, and returns Component manifests. Other kinds are kept for the building
 * blocks that use them. Errors name the file, the component and the field.
 *
 * Like daprd's loader (which reads each kind and passes over everything else), a document that is not
 * a Dapr resource (no kind, an unknown kind or apiVersion: a compose file, a `resiliency.yaml` with only
 * `spec:`) is skipped; unlike daprd it says so, with a "did you mean" for a misspelt kind. Kinds
 * minidapr does not implement (HTTPEndpoint, …) and unknown component metadata fields
 * are warnings too, never fatal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { documentLabel, parseYamlDocuments } from '../config/yaml';
import { ConfigError } from '../errors/startup';
import { parseDurationMs } from './metadata';
import { unknownMetadataWarnings } from './metadata-check';
import { closestName } from './suggest';
import { CATEGORIES, type Category, type ComponentManifest, type MetadataItem } from './types';

export const RESOURCE_API_VERSION = 'dapr.io/v1alpha1';

/** Every kind daprd loads from resources paths, with its apiVersions (dapr/dapr `pkg/apis/*`). */
const RESOURCE_KINDS: Readonly<Record<string, readonly string[]>> = {
  Component: [RESOURCE_API_VERSION],
  Subscription: [RESOURCE_API_VERSION, 'dapr.io/v2alpha1'],
  Configuration: [RESOURCE_API_VERSION],
  Resiliency: [RESOURCE_API_VERSION],
  HTTPEndpoint: [RESOURCE_API_VERSION],
  MCPServer: [RESOURCE_API_VERSION],
  WorkflowAccessPolicy: [RESOURCE_API_VERSION],
};
const KIND_NAMES = Object.keys(RESOURCE_KINDS);
/** The kinds minidaprd acts on; the others are loaded by daprd but ignored here (with a warning). */
const SUPPORTED_KINDS = new Set(['Component', 'Subscription', 'Resiliency']);
const DEFAULT_INIT_TIMEOUT_MS = 5000;

export interface RawResource {
  kind: string;
  name: string;
  file: string;
  doc: Record<string, unknown>;
}

export interface LoadedResources {
  components: ComponentManifest[];
  /** Resources of other kinds (Subscription, Resiliency, HTTPEndpoint, …), scoped like components (scopes, namespace). */
  others: RawResource[];
  /** Documents skipped because of scopes or namespace, for debug logs. */
  skipped: Array<{ file: string; name: string; why: string }>;
  /** Problems that do not stop start-up (documents that are not Dapr resources, ignored kinds, unknown metadata fields), each naming the file. */
  warnings: string[];
}

export interface LoadOptions {
  appId: string;
  namespace?: string;
}

export function listResourceFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const dir = resolve(p);
    let st;
    try {
      st = statSync(dir);
    } catch {
      throw new ConfigError([`resources path ${p} does not exist`]);
    }
    if (st.isFile()) {
      files.push(dir);
      continue;
    }
    for (const name of readdirSync(dir).sort()) {
      if (/\.ya?ml$/i.test(name) && statSync(join(dir, name)).isFile()) files.push(join(dir, name));
    }
  }
  return files;
}

export function loadResources(paths: readonly string[], opts: LoadOptions): LoadedResources {
  const out: LoadedResources = { components: [], others: [], skipped: [], warnings: [] };
  const issues: string[] = [];
  const seen = new Map<string, string>();
  for (const file of listResourceFiles(paths)) {
    const docs = parseYamlDocuments(readFileSync(file, 'utf8'), file);
    docs.forEach((d, index) => {
      const where = documentLabel(file, index, docs.length);
      if (d.errors.length > 0) {
        issues.push(`${where}: invalid YAML: ${d.errors[0]?.message.split('\n')[0]}`);
        return;
      }
      let doc: unknown;
      try {
        doc = d.toJS();
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        issues.push(...err.issues);
        return;
      }
      if (doc === null || doc === undefined) return; // empty document
      const problems: string[] = [];
      const res = parseResource(doc, where, problems, out.warnings);
      if (problems.length > 0 || !res) {
        issues.push(...problems);
        return;
      }
      const scopes = readScopes(res.doc, where, problems);
      const ns = str(record(res.doc.metadata)?.namespace);
      if (scopes.length > 0 && !scopes.includes(opts.appId)) {
        out.skipped.push({ file: where, name: res.name, why: `scopes ${scopes.join(',')} exclude app id ${opts.appId}` });
        return;
      }
      if (opts.namespace && ns && ns !== opts.namespace) {
        out.skipped.push({ file: where, name: res.name, why: `namespace ${ns} is not ${opts.namespace}` });
        return;
      }
      const key = `${res.kind}/${res.name}`;
      const first = seen.get(key);
      if (first) {
        issues.push(`${where}: duplicate ${res.kind} name "${res.name}" (first defined in ${first})`);
        return;
      }
      seen.set(key, where);
      if (res.kind !== 'Component') {
        if (!SUPPORTED_KINDS.has(res.kind)) out.warnings.push(ignoredKindWarning(res));
        out.others.push(res);
        return;
      }
      const manifest = parseComponent(res, scopes, problems);
      if (problems.length > 0 || !manifest) {
        issues.push(...problems);
        return;
      }
      out.components.push(manifest);
      out.warnings.push(...unknownMetadataWarnings(manifest));
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return out;
}

/**
 * The resource's kind and name, or undefined when the document is not one to load: not a Dapr
 * resource (a warning, never fatal) or a resource with problems (added to `problems`).
 */
function parseResource(doc: unknown, where: string, problems: string[], warnings: string[]): RawResource | undefined {
  const root = record(doc);
  const kind = str(root?.kind);
  const skip = (why: string): undefined => {
    warnings.push(`${where}: ${why}; skipped (not a Dapr resource this sidecar loads)`);
    return undefined;
  };
  if (!root) return skip('the document is not a YAML mapping');
  if (!kind) return skip(`there is no "kind" (Dapr resources have one of: ${KIND_NAMES.join(', ')})`);
  const versions = RESOURCE_KINDS[kind];
  if (!versions) {
    const hint = closestName(kind, KIND_NAMES);
    return skip(`kind "${kind}" is not a Dapr resource kind${hint ? ` (did you mean ${hint}?)` : ` (known: ${KIND_NAMES.join(', ')})`}`);
  }
  if (!versions.includes(String(root.apiVersion))) {
    return skip(`a ${kind} needs "apiVersion: ${versions.join('" or "')}", got ${JSON.stringify(root.apiVersion ?? null)}`);
  }
  const name = str(record(root.metadata)?.name);
  if (!name) {
    problems.push(`${where}: field "metadata.name" is required`);
    return undefined;
  }
  return { kind, name, file: where, doc: root };
}

function ignoredKindWarning(res: RawResource): string {
  const why = res.kind === 'Configuration' ? ' (a Configuration is read from --config, not from resources paths)' : '';
  return `${res.file}: minidapr ignores ${res.kind} resources${why}; ${res.kind} "${res.name}" has no effect`;
}

function parseComponent(res: RawResource, scopes: string[], problems: string[]): ComponentManifest | undefined {
  const at = `${res.file}: component "${res.name}"`;
  const spec = record(res.doc.spec);
  if (!spec) {
    problems.push(`${at}: field "spec" is required`);
    return undefined;
  }
  const type = str(spec.type);
  const category = type?.split('.')[0] as Category | undefined;
  if (!type || !category || !type.includes('.')) {
    problems.push(`${at}: field "spec.type" must look like <category>.<name> (e.g. state.redis), got ${JSON.stringify(spec.type ?? null)}`);
    return undefined;
  }
  if (!CATEGORIES.includes(category)) {
    problems.push(`${at}: field "spec.type" has unknown category "${category}" (known: ${CATEGORIES.join(', ')})`);
    return undefined;
  }
  const version = spec.version === undefined ? '' : String(spec.version);
  const metadata = parseMetadataItems(spec.metadata, at, problems);
  let initTimeoutMs = DEFAULT_INIT_TIMEOUT_MS;
  if (spec.initTimeout !== undefined) {
    const ms = parseDurationMs(String(spec.initTimeout));
    if (ms === undefined) problems.push(`${at}: field "spec.initTimeout" must be a duration like 5s, got ${JSON.stringify(spec.initTimeout)}`);
    else initTimeoutMs = ms;
  }
  const ignoreErrors = spec.ignoreErrors === true || spec.ignoreErrors === 'true';
  const secretStore = str(record(res.doc.auth)?.secretStore);
  return {
    name: res.name,
    namespace: str(record(res.doc.metadata)?.namespace),
    type,
    category,
    version,
    metadata,
    ignoreErrors,
    initTimeoutMs,
    scopes,
    secretStore,
    file: res.file,
  };
}

function parseMetadataItems(raw: unknown, at: string, problems: string[]): MetadataItem[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${at}: field "spec.metadata" must be a list of {name, value} items`);
    return [];
  }
  const items: MetadataItem[] = [];
  raw.forEach((entry, i) => {
    const item = record(entry);
    const field = `spec.metadata[${i}]`;
    const name = str(item?.name);
    if (!item || !name) {
      problems.push(`${at}: field "${field}.name" is required`);
      return;
    }
    if (item.secretKeyRef !== undefined) {
      const ref = record(item.secretKeyRef);
      const refName = str(ref?.name);
      if (!refName) {
        problems.push(`${at}: field "${field}.secretKeyRef.name" is required (metadata "${name}")`);
        return;
      }
      items.push({ name, secretKeyRef: { name: refName, key: str(ref?.key) ?? refName } });
      return;
    }
    if (item.envRef !== undefined) {
      items.push({ name, envRef: String(item.envRef) });
      return;
    }
    items.push({ name, value: scalarToString(item.value) });
  });
  return items;
}

function readScopes(doc: Record<string, unknown>, where: string, problems: string[]): string[] {
  const scopes = doc.scopes;
  if (scopes === undefined || scopes === null) return [];
  if (!Array.isArray(scopes)) {
    problems.push(`${where}: field "scopes" must be a list of app ids`);
    return [];
  }
  return scopes.map((s) => String(s));
}

/** Any YAML scalar becomes a string; JSON strings unquoted, objects JSON-encoded. */
export function scalarToString(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
