/**
 * @module option-flags
 * The daprd flags minidaprd knows, as data: implemented flags with their kind, value placeholder,
 * help text and shown default (minidaprd's usage is generated from this table, and the CLI takes its
 * sidecar flags, lists and defaults from it), aliases, and the daprd flags accepted without effect.
 * options.ts turns them into RuntimeOptions.
 */
import * as D from './defaults';
import { GUARD_FLAGS } from './options-guards';

/** The runtime's defaults, for tools that load only this light module (`@minidapr/runtime/flags`). */
export * as defaults from './defaults';

export type { FlagDef, Kind } from './flag-def';
import type { FlagDef } from './flag-def';

/** The log levels --log-level takes. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
/** Every app protocol daprd knows; minidaprd serves all but h2c (SUPPORTED_APP_PROTOCOLS). */
export const APP_PROTOCOLS = ['http', 'https', 'h2c', 'grpc', 'grpcs'] as const;
export const SUPPORTED_APP_PROTOCOLS = ['http', 'https', 'grpc', 'grpcs'] as const;
/** The app ids minidaprd accepts (daprd forbids `.`; minidaprd also keeps ids URL- and file-safe). */
export const APP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** A byte count as the usage shows it: 4194304 → `4Mi`. */
function sizeText(bytes: number): string {
  for (const [unit, n] of [['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) if (bytes % n === 0) return `${bytes / n}${unit}`;
  return String(bytes);
}
/** Milliseconds as the usage shows them: 3000 → `3s`. */
export function msText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Flags we implement, by canonical name, in usage order; aliases map onto them. */
export const FLAGS: Record<string, FlagDef> = {
  'app-id': { kind: 'string', arg: '<id>', help: "the app's id (required; env APP_ID)" },
  'app-port': { kind: 'int', arg: '<port>', help: 'port the app listens on (0 or unset: no app)' },
  'app-protocol': { kind: 'string', arg: SUPPORTED_APP_PROTOCOLS.join('|'), help: 'protocol of the app', dflt: D.DEFAULT_APP_PROTOCOL },
  'app-ssl': { kind: 'bool', help: 'same as --app-protocol https (deprecated in daprd)' },
  'app-channel-address': { kind: 'string', arg: '<host>', help: 'host of the app', dflt: D.DEFAULT_APP_CHANNEL_ADDRESS },
  'app-max-concurrency': { kind: 'int', arg: '<n>', help: 'most concurrent calls into the app (-1: unlimited, the default)' },
  'dapr-http-port': { kind: 'int', arg: '<port>', help: 'HTTP API port', dflt: String(D.DEFAULT_DAPR_HTTP_PORT) },
  'dapr-grpc-port': { kind: 'int', arg: '<port>', help: 'gRPC API port (when the default is busy and the flag not given, a free port)', dflt: String(D.DEFAULT_DAPR_GRPC_PORT) },
  'dapr-internal-port': {
    kind: 'int',
    arg: '<port>',
    help: 'sidecar-to-sidecar port (a free port if the default is busy;\nalias --dapr-internal-grpc-port)',
    dflt: String(D.DEFAULT_DAPR_INTERNAL_PORT),
  },
  'metrics-port': { kind: 'int', arg: '<port>', help: 'Prometheus metrics port', dflt: String(D.DEFAULT_METRICS_PORT) },
  'enable-metrics': { kind: 'bool', help: 'serve Prometheus metrics (--enable-metrics=false: off)', dflt: 'true' },
  'resources-path': { kind: 'list', arg: '<dir>', help: 'component YAML folder (repeatable; alias --components-path)' },
  config: { kind: 'list', arg: '<file>', help: 'Configuration YAML (name resolution, API logging, mTLS)' },
  'log-level': { kind: 'string', arg: '<level>', help: LOG_LEVELS.join(', '), dflt: D.DEFAULT_LOG_LEVEL },
  'log-as-json': { kind: 'bool', help: 'JSON logs' },
  'enable-api-logging': { kind: 'bool', help: 'one log line per API call' },
  'max-body-size': { kind: 'quantity', arg: '<size>', help: 'request body limit', dflt: sizeText(D.DEFAULT_MAX_BODY_SIZE) },
  'read-buffer-size': { kind: 'quantity', arg: '<size>', help: 'header size limit', dflt: sizeText(D.DEFAULT_READ_BUFFER_SIZE) },
  'dapr-http-max-request-size': { kind: 'int', arg: '<MB>', help: 'older daprd form of --max-body-size, in megabytes' },
  'dapr-http-read-buffer-size': { kind: 'int', arg: '<KB>', help: 'older daprd form of --read-buffer-size, in kilobytes' },
  'dapr-listen-addresses': { kind: 'list', arg: '<a,b>', help: 'addresses to listen on', dflt: D.DEFAULT_LISTEN_ADDRESSES.join(',') },
  'dapr-internal-grpc-listen-address': {
    kind: 'list',
    arg: '<a,b>',
    help: 'sidecar-to-sidecar addresses (default: as above with mTLS,\n127.0.0.1 without)',
  },
  'dapr-graceful-shutdown-seconds': { kind: 'int', arg: '<s>', help: 'how long a shutdown may drain', dflt: String(D.DEFAULT_GRACEFUL_SHUTDOWN_SECONDS) },
  'enable-app-health-check': { kind: 'bool', help: "probe the app's health endpoint" },
  'app-health-check-path': { kind: 'string', arg: '<path>', help: 'the app health endpoint', dflt: D.DEFAULT_APP_HEALTH_CHECK_PATH },
  'app-health-probe-interval': { kind: 'int', arg: '<s>', help: 'seconds between health probes', dflt: String(D.DEFAULT_APP_HEALTH_PROBE_INTERVAL_S) },
  'app-health-probe-timeout': { kind: 'int', arg: '<ms>', help: 'health probe timeout in milliseconds', dflt: String(D.DEFAULT_APP_HEALTH_PROBE_TIMEOUT_MS) },
  'app-health-threshold': { kind: 'int', arg: '<n>', help: 'failed probes before the app counts as unhealthy', dflt: String(D.DEFAULT_APP_HEALTH_THRESHOLD) },
  'enable-mtls': { kind: 'bool', arg: '[=false]', help: "mTLS between sidecars (default: the Configuration's spec.mtls)" },
  'trust-anchors-file': { kind: 'string', arg: '<file>', help: 'trust anchors PEM', dflt: 'MINIDAPR_HOME/certs/ca.crt' },
  'issuer-credentials': { kind: 'string', arg: '<dir>', help: 'issuer.crt + issuer.key', dflt: 'MINIDAPR_HOME/certs' },
  'sentry-address': { kind: 'string', arg: '<host:port>', help: 'get the workload certificate from minidapr sentry instead' },
  'app-binding-options-timeout': {
    kind: 'duration',
    arg: '<duration>',
    help: "how long an input binding's OPTIONS probe may take",
    dflt: msText(D.DEFAULT_APP_BINDING_OPTIONS_TIMEOUT_MS),
  },
  ...GUARD_FLAGS,
  version: { kind: 'bool', help: 'print the version and exit' },
  'build-info': { kind: 'bool', help: 'print the version and build details and exit' },
  help: { kind: 'bool', help: 'print this help and exit (also -h)' },
};

export const ALIASES: Record<string, string> = {
  'dapr-internal-grpc-port': 'dapr-internal-port',
  'components-path': 'resources-path',
  h: 'help',
};

/** The table's name for a flag written as `name`, `--name` or an alias (`components-path` → `resources-path`). */
export function canonicalFlag(name: string): string {
  const bare = name.replace(/^--?/, '').toLowerCase();
  return ALIASES[bare] ?? bare;
}

/** The default minidaprd's usage shows for a flag (undefined when it has none to show). */
export function flagDefault(name: string): string | undefined {
  return FLAGS[canonicalFlag(name)]?.dflt;
}

/** daprd flags that real tooling passes; accepted without effect (logged at debug level). */
export const ACCEPTED_NO_OP = new Set([
  'mode', 'placement-host-address', 'scheduler-host-address', 'profile-port', 'enable-profiling',
  'control-plane-address', 'control-plane-trust-domain', 'control-plane-namespace',
  'metrics-listen-address', 'dapr-public-port', 'dapr-public-listen-address',
  'unix-domain-socket', 'dapr-block-shutdown-duration',
  'scheduler-job-streams', 'disable-builtin-k8s-secret-store', 'disable-init-endpoints', 'log-file',
  'hot-reload-reconcile-interval', 'actors-disseminate-timeout', 'kubeconfig', 'wait',
]);
export const NO_OP_BOOLEANS = new Set(['enable-profiling', 'disable-builtin-k8s-secret-store', 'wait']);

const COLUMN = 32;
/** One usage line per flag of the table, help aligned at column 32 (continuation lines too). */
export function flagUsageLines(): string {
  const pad = ' '.repeat(COLUMN);
  return Object.entries(FLAGS)
    .map(([name, def]) => {
      const sep = def.arg?.startsWith('[') ? '' : ' ';
      const head = `  --${name}${def.arg ? `${sep}${def.arg}` : ''}`;
      const help = def.help + (def.dflt !== undefined ? ` (default ${def.dflt})` : '');
      const [first, ...rest] = help.split('\n');
      const lead = head.length < COLUMN ? head.padEnd(COLUMN) : `${head}\n${pad}`;
      return [`${lead}${first}`, ...rest.map((l) => pad + l)].join('\n');
    })
    .join('\n');
}
