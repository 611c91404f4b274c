/**
 * @module commands/run/plan
 * One app to run (from flags or a run file) and how it becomes a daprd command line and an app
 * environment. Pure: no I/O, so every flag → argv/env mapping is unit-tested.
 */
import { DEFAULT_APP_CHANNEL_ADDRESS } from '../../defaults';

export type PortName = 'http' | 'grpc' | 'internal' | 'metrics';
export const PORT_NAMES: readonly PortName[] = ['http', 'grpc', 'internal', 'metrics'];

/** The daprd flag for each sidecar port (minidaprd accepts daprd's names). */
export const PORT_FLAGS: Readonly<Record<PortName, string>> = {
  http: '--dapr-http-port',
  grpc: '--dapr-grpc-port',
  internal: '--dapr-internal-grpc-port',
  metrics: '--metrics-port',
};

/** Ports minidaprd binds (every sidecar port, the gRPC API's included). */
export type BoundPortName = PortName;
export const BOUND_PORTS: readonly BoundPortName[] = ['http', 'grpc', 'internal', 'metrics'];

export interface AppPlan {
  appId: string;
  /** Working directory of the sidecar and the app. */
  cwd: string;
  /** argv of the app; empty = sidecar only. */
  command: string[];
  appPort?: number;
  appProtocol: string;
  appChannelAddress: string;
  /** Ports the user chose; the others are picked free at start. */
  ports: Partial<Record<PortName, number>>;
  /** Where each chosen port came from, for messages (`--dapr-http-port`, `apps[0].daprHTTPPort`). */
  portLabels: Partial<Record<PortName | 'app', string>>;
  resourcesPaths: string[];
  configPath?: string;
  logLevel?: string;
  enableApiLogging?: boolean;
  maxBodySize?: string;
  readBufferSize?: string;
  appMaxConcurrency?: number;
  /** The user's extra environment (run file `env:`), given to the app and the sidecar. */
  env: Record<string, string>;
  /** More daprd flags passed through as they are (health checks, listen addresses). */
  extraDaprdArgs: string[];
  /** MINIDAPR_HOME files this run would use but that do not exist (`minidapr init` never ran). */
  homeMissing?: string[];
}

export type PortAssignment = Readonly<Record<BoundPortName, number>>;

/** The daprd argv for a plan once every port is known. */
export function buildDaprdArgs(plan: AppPlan, ports: PortAssignment): string[] {
  const args = ['--app-id', plan.appId];
  if (plan.appPort && plan.appPort > 0) args.push('--app-port', String(plan.appPort));
  args.push('--app-protocol', plan.appProtocol);
  if (plan.appChannelAddress !== DEFAULT_APP_CHANNEL_ADDRESS) args.push('--app-channel-address', plan.appChannelAddress);
  for (const name of BOUND_PORTS) args.push(PORT_FLAGS[name], String(ports[name]));
  for (const dir of plan.resourcesPaths) args.push('--resources-path', dir);
  if (plan.configPath) args.push('--config', plan.configPath);
  if (plan.logLevel) args.push('--log-level', plan.logLevel);
  if (plan.enableApiLogging !== undefined) args.push(plan.enableApiLogging ? '--enable-api-logging' : '--enable-api-logging=false');
  if (plan.maxBodySize) args.push('--max-body-size', plan.maxBodySize);
  if (plan.readBufferSize) args.push('--read-buffer-size', plan.readBufferSize);
  if (plan.appMaxConcurrency !== undefined) args.push('--app-max-concurrency', String(plan.appMaxConcurrency));
  args.push(...plan.extraDaprdArgs);
  return args;
}

/**
 * The app's environment, as dapr/cli sets it (`pkg/standalone/run.go` getEnv): APP_ID, APP_PORT
 * (only when > 0), DAPR_HTTP_PORT, DAPR_GRPC_PORT, DAPR_METRICS_PORT, APP_PROTOCOL and
 * APP_CHANNEL_ADDRESS (only when not 127.0.0.1), then the user's `env` map.
 */
export function buildAppEnv(plan: AppPlan, ports: PortAssignment, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // Values inherited from a parent run would point at the wrong app.
  delete env.APP_PORT;
  delete env.APP_CHANNEL_ADDRESS;
  env.APP_ID = plan.appId;
  if (plan.appPort && plan.appPort > 0) env.APP_PORT = String(plan.appPort);
  env.DAPR_HTTP_PORT = String(ports.http);
  env.DAPR_GRPC_PORT = String(ports.grpc);
  env.DAPR_METRICS_PORT = String(ports.metrics);
  env.APP_PROTOCOL = plan.appProtocol;
  if (plan.appChannelAddress !== DEFAULT_APP_CHANNEL_ADDRESS) env.APP_CHANNEL_ADDRESS = plan.appChannelAddress;
  return { ...env, ...plan.env };
}

/** The sidecar's environment: the CLI's, plus the user's `env` map (API tokens, NAMESPACE…). */
export function buildSidecarEnv(plan: AppPlan, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base, ...plan.env };
}

/** The command as one line (space-joined, like dapr/cli), for `appCommand` metadata and messages. */
export function commandLine(command: readonly string[]): string {
  return command.join(' ');
}
