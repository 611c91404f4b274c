/**
 * @module config/configuration
 * Reads the Configuration resources given with --config (`$VAR`/`${VAR}` expanded, like daprd).
 * Only the fields the runtime acts on are kept; fields daprd does not know are reported as warnings.
 */
import { readFileSync } from 'node:fs';
import { parseYamlDocuments } from './yaml';
import { ConfigError } from '../errors/startup';
import type { NameResolutionSpec } from '../nameresolution';
import { parseSecretScopes, type SecretScope } from '../components/secretstores/scopes';
import { readAccessControl, type AccessControlSpec } from './access-control';
import { unknownFieldWarnings } from './known-fields';
import { parseMtlsSpec, type MtlsConfig } from './mtls';
import { parseTracingSpec, type TracingConfig } from '../tracing/config';

export interface RuntimeConfiguration {
  name?: string;
  nameResolution?: NameResolutionSpec;
  apiLogging?: boolean;
  features: string[];
  /** `spec.secrets.scopes` by store name (absent: every secret of every store is allowed). */
  secretScopes?: Map<string, SecretScope>;
  /** `spec.accessControl`: who may invoke which methods of this app (enforced on calls from peers). */
  accessControl?: AccessControlSpec;
  /** Unknown fields and values daprd would silently treat as deny, one line each. */
  warnings: string[];
  /** `spec.mtls` (+ accessControl.trustDomain), see config/mtls.ts. */
  mtls?: MtlsConfig;
  /** `spec.tracing` (absent: daprd's default, sampling 0.0001 and no exporter). */
  tracing?: TracingConfig;
  /** Where nameResolution came from, for error messages. */
  source?: string;
}

export function expandEnv(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a: string, b: string) => env[a ?? b] ?? '');
}

export function loadConfiguration(paths: readonly string[], env: NodeJS.ProcessEnv): RuntimeConfiguration {
  const cfg: RuntimeConfiguration = { features: [], warnings: [] };
  for (const file of paths) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ConfigError([`--config: configuration file ${file} does not exist or cannot be read`]);
    }
    for (const d of parseYamlDocuments(expandEnv(text, env), file)) {
      if (d.errors.length > 0) throw new ConfigError([`${file}: invalid YAML: ${d.errors[0]?.message.split('\n')[0]}`]);
      const doc = d.toJS() as Record<string, unknown> | null;
      if (!doc) continue;
      if (doc.kind !== 'Configuration') {
        throw new ConfigError([`${file}: field "kind" must be Configuration, got ${JSON.stringify(doc.kind ?? null)}`]);
      }
      const spec = (doc.spec ?? {}) as Record<string, unknown>;
      if (typeof spec !== 'object') throw new ConfigError([`${file}: field "spec" must be a mapping`]);
      cfg.warnings.push(...unknownFieldWarnings(doc, file));
      if (spec.accessControl != null) cfg.accessControl = readAccessControl(spec.accessControl, file, cfg.warnings);
      cfg.name = String((doc.metadata as Record<string, unknown> | undefined)?.name ?? cfg.name ?? '');
      const nr = spec.nameResolution as Record<string, unknown> | undefined;
      if (nr !== undefined) {
        if (typeof nr !== 'object' || nr === null) throw new ConfigError([`${file}: field "spec.nameResolution" must be a mapping`]);
        cfg.nameResolution = {
          component: nr.component === undefined ? undefined : String(nr.component),
          version: nr.version === undefined ? undefined : String(nr.version),
          configuration: (nr.configuration ?? {}) as Record<string, unknown>,
        };
        cfg.source = file;
      }
      const apiLogging = ((spec.logging as Record<string, unknown> | undefined)?.apiLogging ?? {}) as Record<string, unknown>;
      if (apiLogging.enabled !== undefined) cfg.apiLogging = apiLogging.enabled === true || apiLogging.enabled === 'true';
      const secrets = spec.secrets as Record<string, unknown> | undefined;
      if (secrets && typeof secrets === 'object' && secrets.scopes !== undefined) {
        const issues: string[] = [];
        parseSecretScopes(secrets.scopes, file, (cfg.secretScopes ??= new Map()), issues);
        if (issues.length > 0) throw new ConfigError(issues);
      }
      cfg.mtls = parseMtlsSpec(spec, file, cfg.mtls);
      if (spec.tracing !== undefined) cfg.tracing = parseTracingSpec(spec.tracing, file, cfg.tracing);
      for (const f of (spec.features ?? []) as Array<Record<string, unknown>>) {
        if (f && f.enabled !== false && typeof f.name === 'string') cfg.features.push(f.name);
      }
    }
  }
  return cfg;
}
