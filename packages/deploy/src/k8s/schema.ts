/**
 * @module k8s/schema
 * Kubernetes objects against their schemas: built-in kinds with kubernetes-models (in a child
 * process, see scripts/validate-k8s.mjs), Dapr's kinds (dapr.io) with the openAPIV3Schema of Dapr's
 * CRDs, vendored in schemas/dapr-crds (see schemas/README.md). Any other kind is a problem.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { PACKAGE_DIR } from '../repo';
import { describe, type K8sObject } from './kustomize';

let crdValidators: Map<string, ValidateFunction> | undefined;

/** Drops the Kubernetes-only keywords (x-kubernetes-*) that are not JSON Schema. */
function plain(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(plain);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !k.startsWith('x-kubernetes-')).map(([k, v]) => [k, plain(v)]));
}

function loadCrds(): Map<string, ValidateFunction> {
  // OpenAPI's integer formats carry no extra rule for JSON values that are already integers.
  const ajv = new Ajv({ allErrors: true, strict: false, formats: { int32: true, int64: true } });
  const out = new Map<string, ValidateFunction>();
  const dir = join(PACKAGE_DIR, 'schemas', 'dapr-crds');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(dir, f), 'utf8')) as {
      spec: { group: string; names: { kind: string }; versions: Array<{ name: string; schema?: { openAPIV3Schema?: unknown } }> };
    };
    for (const v of crd.spec.versions) {
      if (!v.schema?.openAPIV3Schema) continue;
      out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(plain(v.schema.openAPIV3Schema) as object));
    }
  }
  return out;
}

/** Validates one dapr.io object against its CRD; undefined when no CRD covers it. */
export function validateDaprResource(o: K8sObject, where: string): string[] | undefined {
  crdValidators ??= loadCrds();
  const validate = crdValidators.get(`${o.apiVersion}/${o.kind}`);
  if (!validate) return undefined;
  if (validate(o)) return [];
  return (validate.errors ?? []).map((e) => `${where}: ${describe(o)}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/** Problems with any of the objects; `where` names their source (a kustomization folder). */
export function validateObjects(objects: readonly K8sObject[], where: string): string[] {
  const problems: string[] = [];
  const builtIn: Array<{ o: K8sObject; i: number }> = [];
  objects.forEach((o, i) => {
    if (String(o.apiVersion ?? '').startsWith('dapr.io/')) {
      const r = validateDaprResource(o, where);
      if (r === undefined) problems.push(`${where}: ${describe(o)}: no Dapr CRD for ${o.apiVersion} ${o.kind}`);
      else problems.push(...r);
    } else builtIn.push({ o, i });
  });
  if (builtIn.length === 0) return problems;
  const r = spawnSync(process.execPath, [join(PACKAGE_DIR, 'scripts', 'validate-k8s.mjs')], {
    input: JSON.stringify(builtIn.map((b) => b.o)),
    encoding: 'utf8',
    cwd: PACKAGE_DIR,
    maxBuffer: 32 * 1024 * 1024,
  });
  if (r.status !== 0) return [...problems, `${where}: the Kubernetes schema check failed to run: ${r.stderr.trim()}`];
  const results = JSON.parse(r.stdout) as Array<{ index: number; unknown?: boolean; errors: string[] }>;
  for (const res of results) {
    const o = builtIn[res.index]?.o as K8sObject;
    if (res.unknown) problems.push(`${where}: ${describe(o)}: unknown kind ${o.apiVersion} ${o.kind}`);
    problems.push(...res.errors.map((e) => `${where}: ${describe(o)}: ${e}`));
  }
  return problems;
}
