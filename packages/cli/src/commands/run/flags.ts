/**
 * @module commands/run/flags
 * `minidapr run` flags → one validated AppPlan (single-app run). Defaults that depend on the
 * machine: app id = the folder name, resources = MINIDAPR_HOME/components and config =
 * MINIDAPR_HOME/config.yaml when they exist.
 */
import { resolve } from 'node:path';
import { DEFAULT_APP_CHANNEL_ADDRESS, DEFAULT_APP_PROTOCOL } from '../../defaults';
import { ConfigError } from '../../errors';
import { homeComponentsDir, homeConfigFile } from '../../lib/home';
import type { AppPlan, PortName } from './plan';
import { checkSidecar, mergeIssues, type OwnIssue } from './sidecar-check';
import { appIdFromDir, checkDistinctPorts, checkExists, checkPort, checkString, isDir, isFile } from './validate';

/** The flags of `minidapr run`, named like dapr/cli's (commander camel-cases them). */
export interface RunFlags {
  appId?: string;
  appPort?: number;
  daprHttpPort?: number;
  daprGrpcPort?: number;
  daprInternalGrpcPort?: number;
  metricsPort?: number;
  resourcesPath?: string[];
  /** Deprecated Dapr alias of --resources-path. */
  componentsPath?: string[];
  config?: string;
  appProtocol?: string;
  appChannelAddress?: string;
  enableApiLogging?: boolean;
  logLevel?: string;
  maxBodySize?: string;
  readBufferSize?: string;
  appMaxConcurrency?: number;
  enableAppHealthCheck?: boolean;
  appHealthCheckPath?: string;
  appHealthProbeInterval?: number;
  appHealthProbeTimeout?: number;
  appHealthThreshold?: number;
  daprListenAddresses?: string;
  /** The app's argv (everything after `--`). */
  command?: string[];
}

const PORT_FLAG_OF: Record<PortName, { key: keyof RunFlags; flag: string; daprd: string }> = {
  http: { key: 'daprHttpPort', flag: '--dapr-http-port', daprd: 'dapr-http-port' },
  grpc: { key: 'daprGrpcPort', flag: '--dapr-grpc-port', daprd: 'dapr-grpc-port' },
  internal: { key: 'daprInternalGrpcPort', flag: '--dapr-internal-grpc-port', daprd: 'dapr-internal-port' },
  metrics: { key: 'metricsPort', flag: '--metrics-port', daprd: 'metrics-port' },
};

/** The order problems are listed in (minidaprd's canonical names; `ports` = ports used twice). */
const ISSUE_ORDER = [
  'app-id', 'app-port', 'dapr-http-port', 'dapr-grpc-port', 'dapr-internal-port', 'metrics-port', 'ports', 'resources-path', 'config',
  'app-protocol', 'app-channel-address', 'log-level', 'enable-api-logging', 'max-body-size', 'read-buffer-size', 'app-max-concurrency',
];

/** How `run` names a minidaprd flag in messages: its own flag name (the same but for the internal port). */
function flagLabel(flag: string): string {
  return flag === 'dapr-internal-port' ? '--dapr-internal-grpc-port' : `--${flag}`;
}

/** Health-check and listen-address flags go to daprd unchanged (minidaprd checks their values). */
function passThroughArgs(f: RunFlags, own: OwnIssue[]): string[] {
  const args: string[] = [];
  const text = (key: 'appHealthCheckPath' | 'daprListenAddresses', flag: string): void => {
    const v = f[key];
    if (v === undefined) return;
    const issues: string[] = [];
    if (checkString(v, `--${flag}`, issues) !== undefined) args.push(`--${flag}`, v);
    own.push(...issues.map((t) => ({ flag, text: t })));
  };
  if (f.enableAppHealthCheck) args.push('--enable-app-health-check');
  text('appHealthCheckPath', 'app-health-check-path');
  const ints: Array<[keyof RunFlags, string]> = [
    ['appHealthProbeInterval', '--app-health-probe-interval'],
    ['appHealthProbeTimeout', '--app-health-probe-timeout'],
    ['appHealthThreshold', '--app-health-threshold'],
  ];
  for (const [key, flag] of ints) if (f[key] !== undefined) args.push(flag, String(f[key]));
  text('daprListenAddresses', 'dapr-listen-addresses');
  return args;
}

/**
 * Validates the flags and builds the plan; throws ConfigError listing every problem. The values
 * minidaprd takes are checked by minidaprd's own parser (sidecar-check.ts); ports and paths here.
 */
export function planFromFlags(f: RunFlags, cwd: string, home: string): AppPlan {
  const own: OwnIssue[] = [];
  const note = (flag: string, issues: string[]): void => void own.push(...issues.map((text) => ({ flag, text })));
  const issues: string[] = [];
  let appId = appIdFromDir(cwd);
  if (f.appId !== undefined) {
    appId = checkString(f.appId, '--app-id', issues) ?? '';
    note('app-id', issues.splice(0));
  }
  const appPort = f.appPort !== undefined ? checkPort(f.appPort, '--app-port', issues, true) || undefined : undefined;
  note('app-port', issues.splice(0));

  const ports: AppPlan['ports'] = {};
  const portLabels: AppPlan['portLabels'] = {};
  const chosen: Array<{ port: number; where: string }> = [];
  if (appPort) {
    portLabels.app = '--app-port';
    chosen.push({ port: appPort, where: '--app-port' });
  }
  for (const [name, { key, flag, daprd }] of Object.entries(PORT_FLAG_OF) as Array<[PortName, (typeof PORT_FLAG_OF)[PortName]]>) {
    const v = f[key];
    if (v === undefined) continue;
    const port = checkPort(v, flag, issues);
    note(daprd, issues.splice(0));
    if (port === undefined) continue;
    ports[name] = port;
    portLabels[name] = flag;
    chosen.push({ port, where: flag });
  }
  checkDistinctPorts(chosen, issues);
  note('ports', issues.splice(0));

  const given = [...(f.resourcesPath ?? []), ...(f.componentsPath ?? [])].flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  const resourcesPaths: string[] = [];
  for (const raw of given) {
    const abs = resolve(cwd, raw);
    if (checkExists(abs, raw, '--resources-path', issues, 'any')) resourcesPaths.push(abs);
  }
  note('resources-path', issues.splice(0));
  const homeMissing: string[] = [];
  if (given.length === 0) {
    if (isDir(homeComponentsDir(home))) resourcesPaths.push(homeComponentsDir(home));
    else homeMissing.push(homeComponentsDir(home));
  }

  let configPath: string | undefined;
  if (f.config !== undefined) {
    const abs = resolve(cwd, f.config);
    if (checkExists(abs, f.config, '--config', issues, 'file')) configPath = abs;
    note('config', issues.splice(0));
  } else if (isFile(homeConfigFile(home))) {
    configPath = homeConfigFile(home);
  } else {
    homeMissing.push(homeConfigFile(home));
  }

  let appChannelAddress = DEFAULT_APP_CHANNEL_ADDRESS;
  if (f.appChannelAddress !== undefined) {
    appChannelAddress = checkString(f.appChannelAddress, '--app-channel-address', issues) ?? '';
    note('app-channel-address', issues.splice(0));
  }

  const plan: AppPlan = {
    appId,
    cwd,
    command: f.command ?? [],
    appPort,
    appProtocol: f.appProtocol ?? DEFAULT_APP_PROTOCOL,
    appChannelAddress,
    ports,
    portLabels,
    resourcesPaths,
    configPath,
    logLevel: f.logLevel,
    enableApiLogging: f.enableApiLogging ? true : undefined,
    maxBodySize: f.maxBodySize?.trim(),
    readBufferSize: f.readBufferSize?.trim(),
    appMaxConcurrency: f.appMaxConcurrency,
    env: {},
    extraDaprdArgs: passThroughArgs(f, own),
    homeMissing,
  };
  const check = checkSidecar(plan);
  const all = mergeIssues(own, check, ISSUE_ORDER, flagLabel);
  if (all.length > 0 || !check.options) throw new ConfigError(all.length > 0 ? all : check.errors, 'run');
  // minidaprd's spelling of what it accepted (`DEBUG` → `debug`, `HTTPS` → `https`)
  return { ...plan, appProtocol: check.options.appProtocol, logLevel: f.logLevel === undefined ? undefined : check.options.logLevel };
}
