/**
 * @module commands/run/run-file
 * Multi-app run files in Dapr's format (`dapr.yaml`: version, common, apps[]) → validated plans.
 * Every problem is reported before anything starts, naming the file and the field
 * (`dapr.yaml: apps[1].appDirPath: ./nope does not exist`). `appDirPath` and `common` paths resolve
 * relative to the file; an app's other paths relative to its `appDirPath` (as dapr/cli does).
 * Format: https://docs.dapr.io/developing-applications/local-development/multi-app-dapr-run/multi-app-template/
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import {
  APP_META_DIR,
  DEFAULT_APP_CHANNEL_ADDRESS,
  DEFAULT_APP_LOG_DESTINATION,
  DEFAULT_APP_PROTOCOL,
  DEFAULT_DAPRD_LOG_DESTINATION,
  RUN_FILE_NAME,
  RUN_FILE_VERSION,
} from '../../defaults';
import { ConfigError } from '../../errors';
import { homeComponentsDir, homeConfigFile } from '../../lib/home';
import type { AppPlan, PortName } from './plan';
import { checkFields, checkPath, fieldOfFlag, isMapping, type PathBase, type Values } from './run-file-fields';
import { checkSidecar, mergeIssues } from './sidecar-check';
import { appIdFromDir, checkDistinctPorts, isDir, isFile, type LogDestination } from './validate';

export interface RunFileApp extends AppPlan {
  /** Position in `apps`, for messages. */
  index: number;
  appLogDestination: LogDestination;
  daprdLogDestination: LogDestination;
}

export interface RunFile {
  /** Absolute path of the run file (what `stop -f` matches on). */
  path: string;
  /** How messages name the file (relative to the cwd when inside it). */
  label: string;
  /** runTemplateName metadata: the file's name. */
  name: string;
  apps: RunFileApp[];
  /** Dapr fields that minidapr accepts but does not use (shown with --log-level debug). */
  notes: string[];
}

const TOP_LEVEL = ['version', 'common', 'apps'];

const PORT_FIELDS: Record<PortName, string> = {
  http: 'daprHTTPPort',
  grpc: 'daprGRPCPort',
  internal: 'daprInternalGRPCPort',
  metrics: 'metricsPort',
};

/** A file argument: a run file, or a directory holding `dapr.yaml`. */
export function resolveRunFilePath(arg: string, cwd: string): string {
  const abs = resolve(cwd, arg);
  try {
    if (statSync(abs).isDirectory()) return join(abs, RUN_FILE_NAME);
  } catch {
    /* reported by the loader */
  }
  return abs;
}

function labelOf(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function extraArgs(v: Values): string[] {
  const args: string[] = [];
  if (v.enableAppHealthCheck === true) args.push('--enable-app-health-check');
  const pairs: Array<[string, string]> = [
    ['appHealthCheckPath', '--app-health-check-path'],
    ['appHealthProbeInterval', '--app-health-probe-interval'],
    ['appHealthProbeTimeout', '--app-health-probe-timeout'],
    ['appHealthThreshold', '--app-health-threshold'],
    ['apiListenAddresses', '--dapr-listen-addresses'],
  ];
  for (const [key, flag] of pairs) if (v[key] !== undefined) args.push(flag, String(v[key]));
  return args;
}

function buildApp(index: number, app: Values, common: Values, home: string): RunFileApp {
  const appDir = app.appDirPath as string;
  const pick = <T>(key: string): T | undefined => (app[key] ?? common[key]) as T | undefined;
  const local = join(appDir, APP_META_DIR);
  // Resource precedence (Dapr's, with .minidapr for .dapr): app > <appDir>/.minidapr/resources > common > MINIDAPR_HOME/components
  const homeMissing: string[] = [];
  const fromHome = <T>(path: string, exists: boolean, value: T, none: T): T => {
    if (exists) return value;
    homeMissing.push(path);
    return none;
  };
  const resourcesPaths =
    app.resources ??
    (isDir(join(local, 'resources')) ? [join(local, 'resources')] : undefined) ??
    common.resources ??
    fromHome(homeComponentsDir(home), isDir(homeComponentsDir(home)), [homeComponentsDir(home)], []);
  const configPath =
    app.configFilePath ??
    (isFile(join(local, 'config.yaml')) ? join(local, 'config.yaml') : undefined) ??
    common.configFilePath ??
    fromHome<string | undefined>(homeConfigFile(home), isFile(homeConfigFile(home)), homeConfigFile(home), undefined);
  const ports: AppPlan['ports'] = {};
  const portLabels: AppPlan['portLabels'] = {};
  for (const [name, field] of Object.entries(PORT_FIELDS) as Array<[PortName, string]>) {
    if (app[field] === undefined) continue;
    ports[name] = app[field] as number;
    portLabels[name] = `apps[${index}].${field}`;
  }
  if (app.appPort) portLabels.app = `apps[${index}].appPort`;
  const merged: Values = { ...common, ...app };
  return {
    index,
    appId: app.appID ?? appIdFromDir(appDir),
    cwd: appDir,
    command: app.command ?? [],
    appPort: app.appPort || undefined,
    appProtocol: pick<string>('appProtocol') ?? DEFAULT_APP_PROTOCOL,
    appChannelAddress: pick<string>('appChannelAddress') ?? DEFAULT_APP_CHANNEL_ADDRESS,
    ports,
    portLabels,
    resourcesPaths,
    configPath,
    logLevel: pick<string>('logLevel'),
    enableApiLogging: pick<boolean>('enableApiLogging'),
    maxBodySize: pick<string>('maxBodySize'),
    readBufferSize: pick<string>('readBufferSize'),
    appMaxConcurrency: pick<number>('appMaxConcurrency'),
    env: { ...common.env, ...app.env },
    extraDaprdArgs: extraArgs(merged),
    appLogDestination: pick<LogDestination>('appLogDestination') ?? DEFAULT_APP_LOG_DESTINATION,
    daprdLogDestination: pick<LogDestination>('daprdLogDestination') ?? DEFAULT_DAPRD_LOG_DESTINATION,
    homeMissing,
  };
}

/**
 * minidaprd's own verdict on an app's sidecar flags, each problem named by the field the value came
 * from (`apps[0].logLevel`, or `common.logLevel` once for all apps); the app as minidaprd spells it.
 */
function checkAppSidecar(app: RunFileApp, values: Values, common: Values, reported: Set<string>): { issues: string[]; app?: RunFileApp } {
  const check = checkSidecar(app);
  const label = (flag: string): string => {
    const key = fieldOfFlag(flag);
    if (key === undefined) return `apps[${app.index}]: --${flag}`;
    return values[key] === undefined && common[key] !== undefined ? `common.${key}` : `apps[${app.index}].${key}`;
  };
  const all = mergeIssues([], check, [], label);
  const issues = all.filter((i) => !reported.has(i));
  for (const i of issues) reported.add(i);
  if (all.length > 0) return { issues };
  // No options and no issue here: only a port flag is at fault, and checkAcrossApps names it.
  if (!check.options) return { issues, app };
  return { issues, app: { ...app, appProtocol: check.options.appProtocol, logLevel: app.logLevel === undefined ? undefined : check.options.logLevel } };
}

/** Cross-app rules: unique app ids, unique chosen ports. */
function checkAcrossApps(apps: RunFileApp[], issues: string[]): void {
  const ids = new Map<string, number>();
  for (const a of apps) {
    const first = ids.get(a.appId);
    if (first !== undefined) issues.push(`apps[${a.index}].appID: "${a.appId}" is already used by apps[${first}]; app ids must be unique`);
    else ids.set(a.appId, a.index);
  }
  const chosen: Array<{ port: number; where: string }> = [];
  for (const a of apps) {
    if (a.appPort) chosen.push({ port: a.appPort, where: `apps[${a.index}].appPort` });
    for (const [name, field] of Object.entries(PORT_FIELDS) as Array<[PortName, string]>) {
      const p = a.ports[name];
      if (p !== undefined) chosen.push({ port: p, where: `apps[${a.index}].${field}` });
    }
  }
  checkDistinctPorts(chosen, issues);
}

/** Parses and validates run-file text; `file` is its absolute path (paths resolve from its folder). */
export function parseRunFile(text: string, file: string, label: string, home: string): RunFile {
  const issues: string[] = [];
  const notes: string[] = [];
  const fail = (): never => {
    throw new ConfigError(issues.map((i) => `${label}: ${i}`), 'run');
  };
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    issues.push(`invalid YAML: ${e?.message.split('\n')[0] ?? 'parse error'}`);
    fail();
  }
  const root = doc.toJS() as unknown;
  if (!isMapping(root)) {
    issues.push('must be a mapping with version, common and apps');
    fail();
  }
  const top = root as Record<string, unknown>;
  for (const key of Object.keys(top)) if (!TOP_LEVEL.includes(key)) issues.push(`${key}: unknown top-level field (known: ${TOP_LEVEL.join(', ')})`);
  if (top.version === undefined) issues.push(`version: is required (version: ${RUN_FILE_VERSION})`);
  else if (top.version !== RUN_FILE_VERSION) issues.push(`version: must be ${RUN_FILE_VERSION}, got ${JSON.stringify(top.version)}`);
  const fileBase: PathBase = { dir: dirname(file), how: `resolved against the folder of ${basename(file)}` };
  let common: Values = {};
  if (top.common !== undefined && top.common !== null) {
    if (!isMapping(top.common)) issues.push(`common: must be a mapping, got ${JSON.stringify(top.common)}`);
    else common = checkFields(top.common, 'common', true, fileBase, issues, notes);
  }
  if (!Array.isArray(top.apps) || top.apps.length === 0) {
    issues.push('apps: must be a non-empty list of apps (each with at least appDirPath)');
    fail();
  }
  const apps: RunFileApp[] = [];
  const reported = new Set<string>();
  (top.apps as unknown[]).forEach((raw, i) => {
    if (!isMapping(raw)) {
      issues.push(`apps[${i}]: must be a mapping with appDirPath, got ${JSON.stringify(raw)}`);
      return;
    }
    const before = issues.length;
    const { appDirPath: rawDir, ...rest } = raw;
    let appDir: string | undefined;
    if (rawDir === undefined || rawDir === null) issues.push(`apps[${i}].appDirPath: is required`);
    else appDir = checkPath(rawDir, `apps[${i}].appDirPath`, fileBase, issues, 'dir');
    const appBase = appDir ? { dir: appDir, how: `resolved against appDirPath ${String(rawDir)}` } : undefined;
    const values = { ...checkFields(rest, `apps[${i}]`, false, appBase, issues, notes), appDirPath: appDir };
    if (values.appDirPath && values.appID === undefined && raw.appID === undefined) {
      const derived = appIdFromDir(values.appDirPath);
      if (derived !== basename(values.appDirPath)) {
        notes.push(`apps[${i}].appID: not set; using "${derived}" (from appDirPath)`);
      }
    }
    if (issues.length !== before) return;
    const checked = checkAppSidecar(buildApp(i, values, common, home), values, common, reported);
    issues.push(...checked.issues);
    if (checked.app) apps.push(checked.app);
  });
  checkAcrossApps(apps, issues);
  if (issues.length > 0) fail();
  return { path: file, label, name: basename(file), apps, notes: notes.map((n) => `${label}: ${n}`) };
}

/** Reads `arg` (a file, or a directory holding dapr.yaml) and validates it. */
export function loadRunFile(arg: string, cwd: string, home: string): RunFile {
  const file = resolveRunFilePath(arg, cwd);
  const label = labelOf(file, cwd);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([`--run-file: ${label} does not exist or cannot be read (give a run file, or a folder holding ${RUN_FILE_NAME})`], 'run');
  }
  return parseRunFile(text, file, label, home);
}
