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
import {
  appIdFromDir,
  checkAppId,
  checkDistinctPorts,
  checkExists,
  checkInt,
  checkLogLevel,
  checkPort,
  checkProtocol,
  checkQuantity,
  checkString,
  isDir,
  isFile,
} from './validate';

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

const PORT_FLAG_OF: Record<PortName, { key: keyof RunFlags; flag: string }> = {
  http: { key: 'daprHttpPort', flag: '--dapr-http-port' },
  grpc: { key: 'daprGrpcPort', flag: '--dapr-grpc-port' },
  internal: { key: 'daprInternalGrpcPort', flag: '--dapr-internal-grpc-port' },
  metrics: { key: 'metricsPort', flag: '--metrics-port' },
};

/** Health-check and listen-address flags go to daprd unchanged. */
function passThroughArgs(f: RunFlags, issues: string[]): string[] {
  const args: string[] = [];
  if (f.enableAppHealthCheck) args.push('--enable-app-health-check');
  if (f.appHealthCheckPath !== undefined && checkString(f.appHealthCheckPath, '--app-health-check-path', issues)) {
    args.push('--app-health-check-path', f.appHealthCheckPath);
  }
  const ints: Array<[keyof RunFlags, string]> = [
    ['appHealthProbeInterval', '--app-health-probe-interval'],
    ['appHealthProbeTimeout', '--app-health-probe-timeout'],
    ['appHealthThreshold', '--app-health-threshold'],
  ];
  for (const [key, flag] of ints) {
    const v = f[key];
    if (v !== undefined && checkInt(v, flag, issues, 1, 3_600_000) !== undefined) args.push(flag, String(v));
  }
  if (f.daprListenAddresses !== undefined && checkString(f.daprListenAddresses, '--dapr-listen-addresses', issues)) {
    args.push('--dapr-listen-addresses', f.daprListenAddresses);
  }
  return args;
}

/** Validates the flags and builds the plan; throws ConfigError listing every problem. */
export function planFromFlags(f: RunFlags, cwd: string, home: string): AppPlan {
  const issues: string[] = [];
  const appId = f.appId !== undefined ? checkAppId(f.appId, '--app-id', issues) : appIdFromDir(cwd);
  const appPort = f.appPort !== undefined ? checkPort(f.appPort, '--app-port', issues, true) || undefined : undefined;

  const ports: AppPlan['ports'] = {};
  const portLabels: AppPlan['portLabels'] = {};
  const chosen: Array<{ port: number; where: string }> = [];
  if (appPort) {
    portLabels.app = '--app-port';
    chosen.push({ port: appPort, where: '--app-port' });
  }
  for (const [name, { key, flag }] of Object.entries(PORT_FLAG_OF) as Array<[PortName, { key: keyof RunFlags; flag: string }]>) {
    const v = f[key];
    if (v === undefined) continue;
    const port = checkPort(v, flag, issues);
    if (port === undefined) continue;
    ports[name] = port;
    portLabels[name] = flag;
    chosen.push({ port, where: flag });
  }
  checkDistinctPorts(chosen, issues);

  const given = [...(f.resourcesPath ?? []), ...(f.componentsPath ?? [])].flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  const resourcesPaths: string[] = [];
  for (const raw of given) {
    const abs = resolve(cwd, raw);
    if (checkExists(abs, raw, '--resources-path', issues, 'any')) resourcesPaths.push(abs);
  }
  const homeMissing: string[] = [];
  if (given.length === 0) {
    if (isDir(homeComponentsDir(home))) resourcesPaths.push(homeComponentsDir(home));
    else homeMissing.push(homeComponentsDir(home));
  }

  let configPath: string | undefined;
  if (f.config !== undefined) {
    const abs = resolve(cwd, f.config);
    if (checkExists(abs, f.config, '--config', issues, 'file')) configPath = abs;
  } else if (isFile(homeConfigFile(home))) {
    configPath = homeConfigFile(home);
  } else {
    homeMissing.push(homeConfigFile(home));
  }

  const plan: AppPlan = {
    appId: appId ?? '',
    cwd,
    command: f.command ?? [],
    appPort,
    appProtocol: f.appProtocol !== undefined ? (checkProtocol(f.appProtocol, '--app-protocol', issues) ?? DEFAULT_APP_PROTOCOL) : DEFAULT_APP_PROTOCOL,
    appChannelAddress:
      f.appChannelAddress !== undefined ? (checkString(f.appChannelAddress, '--app-channel-address', issues) ?? '') : DEFAULT_APP_CHANNEL_ADDRESS,
    ports,
    portLabels,
    resourcesPaths,
    configPath,
    logLevel: f.logLevel !== undefined ? checkLogLevel(f.logLevel, '--log-level', issues) : undefined,
    enableApiLogging: f.enableApiLogging ? true : undefined,
    maxBodySize: f.maxBodySize !== undefined ? checkQuantity(f.maxBodySize, '--max-body-size', issues) : undefined,
    readBufferSize: f.readBufferSize !== undefined ? checkQuantity(f.readBufferSize, '--read-buffer-size', issues) : undefined,
    appMaxConcurrency: f.appMaxConcurrency !== undefined ? checkInt(f.appMaxConcurrency, '--app-max-concurrency', issues, -1, 1_000_000) : undefined,
    env: {},
    extraDaprdArgs: passThroughArgs(f, issues),
    homeMissing,
  };
  if (issues.length > 0) throw new ConfigError(issues, 'run');
  return plan;
}
