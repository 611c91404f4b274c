/**
 * @module options
 * daprd's command line (`--flag v`, `--flag=v`, single-dash long flags) plus environment →
 * a frozen RuntimeOptions. Unknown flags are warnings, never fatal; every problem with a known flag
 * is collected as `flag: message` so the user sees them all at once.
 */
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { parseDurationMs } from './components/metadata';
import * as D from './defaults';
import {
  ACCEPTED_NO_OP,
  ALIASES,
  APP_ID_PATTERN,
  APP_PROTOCOLS,
  FLAGS,
  flagUsageLines,
  LOG_LEVELS,
  NO_OP_BOOLEANS,
  SUPPORTED_APP_PROTOCOLS,
} from './option-flags';
import { parseGuardOptions, type GuardOptions } from './options-guards';
import { parseQuantity } from './quantity';

/** daprd's --app-binding-options-timeout default (named in defaults.ts). */
export const DEFAULT_APP_BINDING_OPTIONS_TIMEOUT_MS = D.DEFAULT_APP_BINDING_OPTIONS_TIMEOUT_MS;

export type AppProtocol = (typeof APP_PROTOCOLS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RuntimeOptions extends GuardOptions {
  appId: string;
  /** undefined or 0 = no app channel */
  appPort?: number;
  appProtocol: AppProtocol;
  appChannelAddress: string;
  appMaxConcurrency: number;
  daprHttpPort: number;
  daprGrpcPort: number;
  /** --dapr-grpc-port was given: a busy port stops start-up (the default 50001 falls back to a free port). Unset counts as given. */
  daprGrpcPortExplicit?: boolean;
  daprInternalPort: number;
  /** True when the user chose the internal port (then a busy port is fatal, not a fallback). */
  daprInternalPortExplicit: boolean;
  metricsPort: number;
  metricsPortExplicit: boolean;
  enableMetrics: boolean;
  listenAddresses: string[];
  resourcesPaths: string[];
  configPaths: string[];
  logLevel: LogLevel;
  logAsJson: boolean;
  enableApiLogging?: boolean;
  maxBodySize: number;
  readBufferSize: number;
  gracefulShutdownSeconds: number;
  enableAppHealthCheck: boolean;
  appHealthCheckPath: string;
  appHealthProbeIntervalS: number;
  appHealthProbeTimeoutMs: number;
  appHealthThreshold: number;
  /** --app-binding-options-timeout: the OPTIONS probe before an input binding is read. */
  appBindingOptionsTimeoutMs: number;
  apiToken?: string;
  appApiToken?: string;
  /** --dapr-internal-grpc-listen-address; unset: the listen addresses with mTLS, loopback without. */
  internalListenAddresses?: string[];
  mtls: MtlsFlags;
  namespace?: string;
  home: string;
  /** Directory relative paths in component metadata resolve against. */
  cwd: string;
}

/** mTLS flags (daprd's names where daprd has one); Configuration `spec.mtls` fills what is unset. */
export interface MtlsFlags {
  /** --enable-mtls; undefined = as the Configuration says. */
  enabled?: boolean;
  /** --sentry-address: a `minidapr sentry` signing service instead of a local issuer. */
  sentryAddress?: string;
  /** --trust-anchors-file (default MINIDAPR_HOME/certs/ca.crt). */
  trustAnchorsFile?: string;
  /** --issuer-credentials: folder with issuer.crt and issuer.key (default MINIDAPR_HOME/certs). */
  issuerCredentials?: string;
}

/** One problem with one flag: `errors` holds the same as `--${flag}: ${message}`. */
export interface FlagIssue {
  /** The flag as it was written, without dashes (an alias stays an alias; see canonicalFlag). */
  flag: string;
  message: string;
}

export interface ParsedOptions {
  options?: Readonly<RuntimeOptions>;
  errors: string[];
  /** The errors, by flag (what the CLI maps back to its own flag or run-file field). */
  issues: FlagIssue[];
  warnings: string[];
  /** --version / --build-info: print and exit. */
  action?: 'version' | 'build-info' | 'help';
}

const PROTOCOLS: readonly string[] = APP_PROTOCOLS;
const SUPPORTED: readonly string[] = SUPPORTED_APP_PROTOCOLS;
const LEVELS: readonly string[] = LOG_LEVELS;

interface RawFlags {
  values: Map<string, string[]>;
  warnings: string[];
  issues: FlagIssue[];
}

function tokenize(argv: readonly string[]): RawFlags {
  const values = new Map<string, string[]>();
  const warnings: string[] = [];
  const issues: FlagIssue[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith('-') || token === '-' || token === '--') {
      warnings.push(`ignoring unexpected argument "${token}"`);
      continue;
    }
    const body = token.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const rawName = (eq >= 0 ? body.slice(0, eq) : body).toLowerCase();
    const name = ALIASES[rawName] ?? rawName;
    let value: string | undefined = eq >= 0 ? body.slice(eq + 1) : undefined;
    const def = FLAGS[name];
    const isBool = def ? def.kind === 'bool' : NO_OP_BOOLEANS.has(name);
    if (value === undefined) {
      if (isBool) value = 'true';
      else if (i + 1 < argv.length && (def || ACCEPTED_NO_OP.has(name) || !(argv[i + 1] as string).startsWith('-'))) value = argv[++i];
    }
    if (!def) {
      if (!ACCEPTED_NO_OP.has(name)) warnings.push(`unknown flag --${rawName} ignored`);
      continue;
    }
    if (value === undefined) {
      issues.push({ flag: rawName, message: 'a value is required' });
      continue;
    }
    const list = values.get(name) ?? [];
    list.push(value);
    values.set(name, list);
  }
  return { values, warnings, issues };
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): ParsedOptions {
  const raw = tokenize(argv);
  const issues = [...raw.issues];
  const warnings = [...raw.warnings];
  const problem = (flag: string, message: string): void => void issues.push({ flag, message });
  const last = (name: string): string | undefined => raw.values.get(name)?.at(-1);
  const list = (name: string): string[] | undefined =>
    raw.values.get(name)?.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const bool = (name: string, dflt: boolean): boolean => {
    const v = last(name);
    if (v === undefined) return dflt;
    if (/^(true|1|t)$/i.test(v)) return true;
    if (/^(false|0|f)$/i.test(v)) return false;
    problem(name, `must be true or false, got "${v}"`);
    return dflt;
  };
  const int = (name: string, dflt: number, min: number, max: number): number => {
    const v = last(name);
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problem(name, `must be a whole number from ${min} to ${max}, got "${v}"`);
      return dflt;
    }
    return n;
  };
  const quantity = (name: string, dflt: number): number => {
    const v = last(name);
    if (v === undefined) return dflt;
    const n = parseQuantity(v);
    if (n === undefined || n <= 0) {
      problem(name, `must be a size like 4Mi, 512Ki or 4096, got "${v}"`);
      return dflt;
    }
    return n;
  };
  /** A Go duration (`3s`, `500ms`, `1m30s`; a plain number is seconds), in milliseconds, > 0. */
  const duration = (name: string, dflt: number): number => {
    const v = last(name);
    if (v === undefined) return dflt;
    const ms = parseDurationMs(v);
    if (ms === undefined || ms <= 0) {
      problem(name, `must be a duration greater than zero like 3s or 500ms, got "${v}"`);
      return dflt;
    }
    return ms;
  };

  if (bool('version', false)) return { errors: [], issues: [], warnings, action: 'version' };
  if (bool('build-info', false)) return { errors: [], issues: [], warnings, action: 'build-info' };
  if (bool('help', false)) return { errors: [], issues: [], warnings, action: 'help' };

  const appId = last('app-id') ?? env.APP_ID ?? '';
  if (!appId) problem('app-id', 'is required');
  else if (appId.includes('.')) problem('app-id', `must not contain "." (got "${appId}")`);
  else if (!APP_ID_PATTERN.test(appId)) problem('app-id', `use letters, digits, "-" and "_" only, starting with a letter or digit (got "${appId}")`);

  const appPort = int('app-port', 0, 0, 65535) || undefined;
  let appProtocol = (last('app-protocol') ?? D.DEFAULT_APP_PROTOCOL).toLowerCase() as AppProtocol;
  if (!PROTOCOLS.includes(appProtocol)) {
    problem('app-protocol', `must be one of ${PROTOCOLS.join(', ')}, got "${appProtocol}"`);
    appProtocol = 'http';
  } else if (!SUPPORTED.includes(appProtocol)) {
    problem('app-protocol', `${appProtocol} apps are not supported by minidaprd yet; use ${SUPPORTED.join(' or ')}`);
  }
  if (bool('app-ssl', false)) appProtocol = 'https';

  const daprHttpPort = int('dapr-http-port', D.DEFAULT_DAPR_HTTP_PORT, 1, 65535);
  if (appPort !== undefined && appPort === daprHttpPort) {
    problem('dapr-http-port', `must differ from --app-port (both are ${appPort})`);
  }
  const internalExplicit = (last('dapr-internal-port') ?? '0') !== '0' && last('dapr-internal-port') !== '';
  const metricsExplicit = last('metrics-port') !== undefined;

  let logLevel = (last('log-level') ?? D.DEFAULT_LOG_LEVEL).toLowerCase() as LogLevel;
  if (!LEVELS.includes(logLevel)) {
    problem('log-level', `must be one of ${LEVELS.join(', ')}, got "${logLevel}"`);
    logLevel = 'info';
  }

  const legacyBody = raw.values.has('max-body-size') ? undefined : last('dapr-http-max-request-size');
  const legacyBuf = raw.values.has('read-buffer-size') ? undefined : last('dapr-http-read-buffer-size');
  const maxBodySize = legacyBody !== undefined ? int('dapr-http-max-request-size', 4, 1, 4096) * 1024 * 1024 : quantity('max-body-size', D.DEFAULT_MAX_BODY_SIZE);
  const readBufferSize = legacyBuf !== undefined ? int('dapr-http-read-buffer-size', 4, 1, 1024 * 1024) * 1024 : quantity('read-buffer-size', D.DEFAULT_READ_BUFFER_SIZE);

  const apiLogging = last('enable-api-logging');
  const options: RuntimeOptions = {
    appId,
    appPort,
    appProtocol,
    appChannelAddress: last('app-channel-address') ?? D.DEFAULT_APP_CHANNEL_ADDRESS,
    appMaxConcurrency: int('app-max-concurrency', -1, -1, 1_000_000),
    daprHttpPort,
    daprGrpcPort: int('dapr-grpc-port', D.DEFAULT_DAPR_GRPC_PORT, 0, 65535),
    daprGrpcPortExplicit: last('dapr-grpc-port') !== undefined,
    daprInternalPort: internalExplicit ? int('dapr-internal-port', D.DEFAULT_DAPR_INTERNAL_PORT, 1, 65535) : D.DEFAULT_DAPR_INTERNAL_PORT,
    daprInternalPortExplicit: internalExplicit,
    metricsPort: int('metrics-port', D.DEFAULT_METRICS_PORT, 0, 65535),
    metricsPortExplicit: metricsExplicit,
    enableMetrics: bool('enable-metrics', true),
    listenAddresses: list('dapr-listen-addresses') ?? [...D.DEFAULT_LISTEN_ADDRESSES],
    resourcesPaths: list('resources-path') ?? [],
    configPaths: list('config') ?? [],
    logLevel,
    logAsJson: bool('log-as-json', false),
    enableApiLogging: apiLogging === undefined ? undefined : bool('enable-api-logging', false),
    maxBodySize,
    readBufferSize,
    gracefulShutdownSeconds: int('dapr-graceful-shutdown-seconds', D.DEFAULT_GRACEFUL_SHUTDOWN_SECONDS, 0, 3600),
    enableAppHealthCheck: bool('enable-app-health-check', false),
    appHealthCheckPath: last('app-health-check-path') ?? D.DEFAULT_APP_HEALTH_CHECK_PATH,
    appHealthProbeIntervalS: int('app-health-probe-interval', D.DEFAULT_APP_HEALTH_PROBE_INTERVAL_S, 1, 3600),
    appHealthProbeTimeoutMs: int('app-health-probe-timeout', D.DEFAULT_APP_HEALTH_PROBE_TIMEOUT_MS, 1, 3_600_000),
    appHealthThreshold: int('app-health-threshold', D.DEFAULT_APP_HEALTH_THRESHOLD, 1, 1000),
    appBindingOptionsTimeoutMs: duration('app-binding-options-timeout', DEFAULT_APP_BINDING_OPTIONS_TIMEOUT_MS),
    apiToken: env.DAPR_API_TOKEN || undefined,
    appApiToken: env.APP_API_TOKEN || undefined,
    internalListenAddresses: list('dapr-internal-grpc-listen-address'),
    mtls: {
      enabled: last('enable-mtls') === undefined ? undefined : bool('enable-mtls', false),
      sentryAddress: last('sentry-address') || undefined,
      trustAnchorsFile: last('trust-anchors-file') || undefined,
      issuerCredentials: last('issuer-credentials') || undefined,
    },
    namespace: env.NAMESPACE || undefined,
    home: env.MINIDAPR_HOME || join(homedir(), D.HOME_DIR_NAME),
    cwd,
    ...parseGuardOptions({ list, duration }, env, hostname()),
  };
  if (options.appHealthProbeTimeoutMs > options.appHealthProbeIntervalS * 1000) {
    problem('app-health-probe-timeout', 'must not be longer than --app-health-probe-interval');
  }
  const errors = issues.map((i) => `--${i.flag}: ${i.message}`);
  if (errors.length > 0) return { errors, issues, warnings };
  return { options: Object.freeze(options), errors, issues, warnings };
}

/** minidaprd's --help text; the flag lines come from the flag table (option-flags.ts). */
export const USAGE = `Usage: minidaprd --app-id <id> [flags]

A Dapr-compatible sidecar (HTTP API v1.0). Flags use daprd's names; --flag value, --flag=value and
single-dash forms all work.

${flagUsageLines()}

Environment: DAPR_API_TOKEN, APP_API_TOKEN, NAMESPACE, MINIDAPR_HOME (default ~/${D.HOME_DIR_NAME}),
MINIDAPR_ALLOWED_HOSTS, MINIDAPR_ALLOWED_ORIGINS.

Example:
  minidaprd --app-id nodeapp --app-port 3000 --dapr-http-port 3500
`;
