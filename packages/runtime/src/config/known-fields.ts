/**
 * @module config/known-fields
 * The Configuration fields daprd knows (dapr/dapr `pkg/config/configuration.go`, ConfigurationSpec and
 * the specs below it). daprd's YAML decoding drops any other key without a word, so a typo
 * (`accesControl`, `defaultActon`) would silently turn a policy off; minidaprd warns instead, naming the
 * file, the field and the closest known name. Keys compare case-sensitively, as daprd's decoder does.
 */
import { closestName } from '../components/suggest';

/** A mapping's known keys; `FREE` marks a value that is not inspected (free-form or a scalar). */
export interface Fields {
  [name: string]: Fields | ListOf | typeof FREE;
}
export class ListOf {
  constructor(readonly item: Fields) {}
}
export const FREE = null;

const OPERATION: Fields = { name: FREE, httpVerb: FREE, action: FREE };
const APP_POLICY: Fields = { appId: FREE, defaultAction: FREE, trustDomain: FREE, namespace: FREE, operations: new ListOf(OPERATION) };
const HANDLERS: Fields = { handlers: new ListOf({ name: FREE, type: FREE, version: FREE, selector: { fields: new ListOf({ field: FREE, value: FREE }) } }) };
const METRICS: Fields = {
  enabled: FREE,
  recordErrorCodes: FREE,
  latencyDistributionBuckets: FREE,
  http: { increasedCardinality: FREE, pathMatching: FREE, excludeVerbs: FREE },
  workflow: { latencyDistributionBuckets: FREE, latencyDistributionUnits: FREE },
  rules: new ListOf({ name: FREE, labels: new ListOf({ name: FREE, regex: FREE }) }),
};
const API_RULES = new ListOf({ name: FREE, version: FREE, protocol: FREE });

export const CONFIGURATION_SPEC: Fields = {
  httpPipeline: HANDLERS,
  appHttpPipeline: HANDLERS,
  tracing: {
    samplingRate: FREE,
    stdout: FREE,
    zipkin: { endpointAddress: FREE },
    otel: { protocol: FREE, endpointAddress: FREE, isSecure: FREE, headers: FREE, timeout: FREE },
  },
  mtls: {
    enabled: FREE,
    workloadCertTTL: FREE,
    allowedClockSkew: FREE,
    sentryAddress: FREE,
    controlPlaneTrustDomain: FREE,
    tokenValidators: new ListOf({ name: FREE, options: FREE }),
  },
  metric: METRICS,
  metrics: METRICS,
  secrets: { scopes: new ListOf({ storeName: FREE, defaultAccess: FREE, allowedSecrets: FREE, deniedSecrets: FREE }) },
  accessControl: { defaultAction: FREE, trustDomain: FREE, policies: new ListOf(APP_POLICY) },
  nameResolution: { component: FREE, version: FREE, configuration: FREE },
  features: new ListOf({ name: FREE, enabled: FREE }),
  api: { allowed: API_RULES, denied: API_RULES },
  components: { deny: FREE },
  logging: { apiLogging: { enabled: FREE, obfuscateURLs: FREE, omitHealthChecks: FREE } },
  wasm: { strictSandbox: FREE },
  workflow: FREE,
};

export const CONFIGURATION: Fields = { apiVersion: FREE, kind: FREE, metadata: FREE, spec: CONFIGURATION_SPEC };

/** One warning per key of `doc` that `fields` does not know, at any depth the table describes. */
export function unknownFieldWarnings(doc: unknown, file: string, fields: Fields = CONFIGURATION, at = ''): string[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const out: string[] = [];
  const known = Object.keys(fields);
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const path = at ? `${at}.${key}` : key;
    if (!Object.hasOwn(fields, key)) {
      const hint = closestName(key, known);
      const help = hint ? `did you mean "${at ? `${at}.` : ''}${hint}"?` : `known fields here: ${known.join(', ')}`;
      out.push(`${file}: unknown Configuration field "${path}" is ignored; ${help}`);
      continue;
    }
    const shape = fields[key];
    if (shape instanceof ListOf) {
      if (Array.isArray(value)) value.forEach((item, i) => out.push(...unknownFieldWarnings(item, file, shape.item, `${path}[${i}]`)));
    } else if (shape !== FREE && shape !== undefined) {
      out.push(...unknownFieldWarnings(value, file, shape, path));
    }
  }
  return out;
}
