/**
 * @module commands/run/run-file-fields
 * The fields of a run file's `common` and `apps[i]` mappings (Dapr's names), and the check of each
 * value: types, ranges, and paths that must exist. As in dapr/cli (`pkg/runfileconfig`), `appDirPath`
 * and every path in `common` resolve against the run file's folder, and the other paths of an
 * `apps[i]` entry (resourcesPath(s), configFilePath) against that app's `appDirPath`; `~` is the home folder.
 */
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { checkBool, checkChoice, checkExists, checkPort, checkQuantity, checkString, checkWhole, LOG_DESTINATIONS } from './validate';

type Kind = 'dir' | 'appPort' | 'port' | 'argv' | 'env' | 'path' | 'paths' | 'file' | 'string' | 'int' | 'quantity' | 'bool' | 'logDest';

/**
 * Fields minidapr uses; `common: false` ones only make sense per app. `flag` is the minidaprd flag
 * a field becomes: here only its type is checked, its value by minidaprd's parser (sidecar-check.ts).
 */
export const FIELDS: Record<string, { kind: Kind; common: boolean; flag?: string }> = {
  appID: { kind: 'string', common: false, flag: 'app-id' },
  appDirPath: { kind: 'dir', common: false },
  appPort: { kind: 'appPort', common: false, flag: 'app-port' },
  command: { kind: 'argv', common: false },
  daprHTTPPort: { kind: 'port', common: false, flag: 'dapr-http-port' },
  daprGRPCPort: { kind: 'port', common: false, flag: 'dapr-grpc-port' },
  daprInternalGRPCPort: { kind: 'port', common: false, flag: 'dapr-internal-port' },
  metricsPort: { kind: 'port', common: false, flag: 'metrics-port' },
  env: { kind: 'env', common: true },
  resourcesPath: { kind: 'path', common: true },
  componentsPath: { kind: 'path', common: true },
  resourcesPaths: { kind: 'paths', common: true },
  configFilePath: { kind: 'file', common: true },
  appProtocol: { kind: 'string', common: true, flag: 'app-protocol' },
  appChannelAddress: { kind: 'string', common: true, flag: 'app-channel-address' },
  logLevel: { kind: 'string', common: true, flag: 'log-level' },
  appMaxConcurrency: { kind: 'int', common: true, flag: 'app-max-concurrency' },
  maxBodySize: { kind: 'quantity', common: true, flag: 'max-body-size' },
  readBufferSize: { kind: 'quantity', common: true, flag: 'read-buffer-size' },
  enableApiLogging: { kind: 'bool', common: true, flag: 'enable-api-logging' },
  appLogDestination: { kind: 'logDest', common: true },
  daprdLogDestination: { kind: 'logDest', common: true },
  enableAppHealthCheck: { kind: 'bool', common: true, flag: 'enable-app-health-check' },
  appHealthCheckPath: { kind: 'string', common: true, flag: 'app-health-check-path' },
  appHealthProbeInterval: { kind: 'int', common: true, flag: 'app-health-probe-interval' },
  appHealthProbeTimeout: { kind: 'int', common: true, flag: 'app-health-probe-timeout' },
  appHealthThreshold: { kind: 'int', common: true, flag: 'app-health-threshold' },
  apiListenAddresses: { kind: 'string', common: true, flag: 'dapr-listen-addresses' },
};

/** The run-file field a minidaprd flag comes from (`log-level` → `logLevel`). */
export function fieldOfFlag(flag: string): string | undefined {
  return Object.keys(FIELDS).find((k) => FIELDS[k]?.flag === flag);
}

/** Dapr run-file fields with no meaning for minidapr (profiling, actors, sockets, Kubernetes). */
const IGNORED_DAPR_FIELDS = new Set([
  'profilePort', 'enableProfiling', 'unixDomainSocket', 'placementHostAddress', 'schedulerHostAddress', 'appSSL',
  'runtimePath', 'daprPath', 'containerImage', 'containerImagePullPolicy', 'createService',
]);

/** Validated values of one `apps[i]` or `common` mapping (paths already absolute). */
export type Values = Record<string, unknown> & {
  appID?: string;
  appDirPath?: string;
  appPort?: number;
  command?: string[];
  env?: Record<string, string>;
  resources?: string[];
  configFilePath?: string;
};

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Where relative paths of a mapping start from, and how messages say so. */
export interface PathBase {
  dir: string;
  /** e.g. `resolved against appDirPath ./batch` */
  how: string;
}

/** `~` and `~/x` → the home folder (dapr/cli's ResolveHomeDir). */
function expandHome(raw: string): string {
  return raw === '~' || raw.startsWith('~/') ? homedir() + raw.slice(1) : raw;
}

/** A path field: must be a string naming something that exists; returns it absolute. */
export function checkPath(value: unknown, where: string, base: PathBase, issues: string[], kind: 'dir' | 'file' | 'any'): string | undefined {
  const raw = checkString(value, where, issues);
  if (raw === undefined) return undefined;
  const expanded = expandHome(raw);
  const abs = resolve(base.dir, expanded);
  const how = isAbsolute(expanded) ? undefined : base.how;
  return checkExists(abs, raw, where, issues, kind, how) ? abs : undefined;
}

/**
 * Checks one value. `base` is undefined when relative paths cannot be resolved (the app's
 * appDirPath is itself wrong, which is reported): path fields are then skipped.
 */
function checkValue(kind: Kind, value: unknown, where: string, base: PathBase | undefined, issues: string[]): unknown {
  const before = issues.length;
  switch (kind) {
    case 'appPort':
      return checkPort(value, where, issues, true);
    case 'port':
      return checkPort(value, where, issues);
    case 'int':
      return checkWhole(value, where, issues);
    case 'bool':
      return checkBool(value, where, issues);
    case 'string':
      return checkString(value, where, issues);
    case 'quantity':
      return checkQuantity(value, where, issues);
    case 'logDest':
      return checkChoice(value, where, issues, LOG_DESTINATIONS);
    case 'argv': {
      if (!Array.isArray(value) || value.length === 0 || !value.every((a) => ['string', 'number', 'boolean'].includes(typeof a))) {
        issues.push(`${where}: must be a non-empty list of strings, e.g. ["npm", "start"], got ${JSON.stringify(value)}`);
        return undefined;
      }
      return value.map(String);
    }
    case 'env': {
      if (!isMapping(value)) {
        issues.push(`${where}: must be a mapping of NAME: value, got ${JSON.stringify(value)}`);
        return undefined;
      }
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(value)) {
        if (!['string', 'number', 'boolean'].includes(typeof v)) issues.push(`${where}.${k}: must be a string, number or boolean, got ${JSON.stringify(v)}`);
        else env[k] = String(v);
      }
      return env;
    }
    case 'dir':
    case 'file':
    case 'path':
      return base ? checkPath(value, where, base, issues, kind === 'path' ? 'any' : kind) : undefined;
    case 'paths': {
      if (!Array.isArray(value)) {
        issues.push(`${where}: must be a list of paths, got ${JSON.stringify(value)}`);
        return undefined;
      }
      const out = value.map((v, i) => checkValue('path', v, `${where}[${i}]`, base, issues));
      return issues.length === before ? (out as string[]) : undefined;
    }
  }
}

/**
 * Checks one mapping (`apps[i]` or `common`) field by field; relative paths start at `base`
 * (an app's `appDirPath` is checked by the caller first, since the app's other paths depend on it).
 */
export function checkFields(obj: Record<string, unknown>, where: string, isCommon: boolean, base: PathBase | undefined, issues: string[], notes: string[]): Values {
  const values: Values = {};
  const resources: string[] = [];
  let hasResources = false;
  for (const [key, value] of Object.entries(obj)) {
    const at = `${where}.${key}`;
    const def = FIELDS[key];
    if (!def) {
      if (IGNORED_DAPR_FIELDS.has(key)) notes.push(`${at} is a Dapr field minidapr does not use; ignored`);
      else issues.push(`${at}: unknown field (known fields: ${Object.keys(FIELDS).filter((k) => !isCommon || FIELDS[k]?.common).join(', ')})`);
      continue;
    }
    if (isCommon && !def.common) {
      issues.push(`${at}: not allowed in common; set it on each app`);
      continue;
    }
    if (value === null || value === undefined) continue; // `key:` with no value = not set
    const v = checkValue(def.kind, value, at, base, issues);
    if (v === undefined) continue;
    if (key === 'resourcesPath' || key === 'componentsPath' || key === 'resourcesPaths') {
      hasResources = true;
      for (const p of Array.isArray(v) ? (v as string[]) : [v as string]) if (!resources.includes(p)) resources.push(p);
      continue;
    }
    values[key] = v;
  }
  if (hasResources) values.resources = resources;
  return values;
}
