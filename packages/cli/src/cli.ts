/**
 * @module cli
 * The command table: names, flags (dapr/cli's names and short forms), help examples, and a lazy
 * loader per command so `minidapr list` never loads the run supervisor.
 */
import { LOG_LEVELS, SUPPORTED_APP_PROTOCOLS } from '@minidapr/runtime/flags';
import type { Output } from './lib/output';
import { sidecarOption } from './sidecar-options';

export interface OptionSpec {
  flags: string;
  description: string;
  /** How the value is read: a port, an integer, or a repeatable (and comma-separated) list. */
  parse?: 'port' | 'int' | 'list';
  required?: boolean;
  defaultValue?: string;
  /** Accepted for Dapr compatibility but not shown in --help. */
  hidden?: boolean;
  /** Set on `run` options that are minidaprd flags (sidecar-options.ts): the runtime's name, the CLI's own default. */
  sidecar?: { flag: string; cliDefault?: string | null };
}

export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  output: Output;
  /** How hints write a minidapr command (`minidapr`, `npx minidapr`, `dapr`): lib/self. */
  self?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional arguments in commander syntax, e.g. `[command...]`. */
  args?: string;
  /** Options after the first positional belong to the positional (the app's own flags). */
  passThrough?: boolean;
  options: readonly OptionSpec[];
  examples: readonly string[];
  action(opts: Record<string, unknown>, args: string[], ctx: CommandContext): Promise<unknown>;
}

/**
 * Loads a command module when it runs. `require`, not `import()`: with NodeNext module settings a
 * dynamic import stays a native ESM import in the CommonJS output, which needs file extensions
 * that jest's resolver cannot map back to the .ts sources.
 */
function lazy<T>(load: () => T): Promise<T> {
  return Promise.resolve().then(load);
}

/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  init: () => lazy<typeof import('./commands/init')>(() => require('./commands/init')),
  uninstall: () => lazy<typeof import('./commands/uninstall')>(() => require('./commands/uninstall')),
  run: () => lazy<typeof import('./commands/run')>(() => require('./commands/run')),
  list: () => lazy<typeof import('./commands/list')>(() => require('./commands/list')),
  stop: () => lazy<typeof import('./commands/stop')>(() => require('./commands/stop')),
  invoke: () => lazy<typeof import('./commands/invoke')>(() => require('./commands/invoke')),
  publish: () => lazy<typeof import('./commands/publish')>(() => require('./commands/publish')),
  logs: () => lazy<typeof import('./commands/logs')>(() => require('./commands/logs')),
  version: () => lazy<typeof import('./commands/version')>(() => require('./commands/version')),
  mtls: () => lazy<typeof import('./commands/mtls')>(() => require('./commands/mtls')),
  dashboard: () => lazy<typeof import('./commands/dashboard')>(() => require('./commands/dashboard')),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const FREE_PORT = 'a free port';

/** `run`'s minidaprd flags: names, lists and shown defaults come from the runtime's flag table. */
const SIDECAR_RUN_OPTIONS: readonly OptionSpec[] = [
  sidecarOption('-a, --app-id <id>', 'the app id', { cliDefault: 'the name of the current folder' }),
  sidecarOption('-p, --app-port <port>', 'the port your app listens on (given to it as APP_PORT)', { parse: 'port' }),
  sidecarOption('-H, --dapr-http-port <port>', 'the sidecar HTTP API port', { parse: 'port', cliDefault: FREE_PORT }),
  sidecarOption('-G, --dapr-grpc-port <port>', 'the sidecar gRPC API port (given to the app as DAPR_GRPC_PORT)', { parse: 'port', cliDefault: FREE_PORT }),
  sidecarOption('-I, --dapr-internal-grpc-port <port>', 'the sidecar-to-sidecar port', { parse: 'port', cliDefault: FREE_PORT }),
  sidecarOption('-M, --metrics-port <port>', 'the Prometheus metrics port', { parse: 'port', cliDefault: FREE_PORT }),
  sidecarOption('--resources-path <dir>', 'a folder of component YAML files (repeatable)', { parse: 'list', cliDefault: 'MINIDAPR_HOME/components' }),
  sidecarOption('-d, --components-path <dir>', 'deprecated alias of --resources-path', { parse: 'list', cliDefault: null }),
  sidecarOption('-c, --config <file>', 'a Configuration YAML file', { cliDefault: 'MINIDAPR_HOME/config.yaml' }),
  sidecarOption('-P, --app-protocol <protocol>', `how the sidecar talks to the app: ${SUPPORTED_APP_PROTOCOLS.join(' or ')}`),
  sidecarOption('--app-channel-address <host>', 'the host of the app'),
  sidecarOption('--enable-api-logging', 'log every API call the sidecar receives'),
  sidecarOption('--log-level <level>', `sidecar log level: ${LOG_LEVELS.join(', ')}`),
  sidecarOption('--max-body-size <size>', 'largest request body'),
  sidecarOption('--read-buffer-size <size>', 'largest request header block'),
  sidecarOption('--app-max-concurrency <n>', 'most concurrent calls into the app (-1: unlimited)', { parse: 'int' }),
  sidecarOption('--enable-app-health-check', 'probe the app health endpoint'),
  sidecarOption('--app-health-check-path <path>', 'the app health endpoint'),
  sidecarOption('--app-health-probe-interval <seconds>', 'seconds between health probes', { parse: 'int' }),
  sidecarOption('--app-health-probe-timeout <ms>', 'health probe timeout in milliseconds', { parse: 'int' }),
  sidecarOption('--app-health-threshold <n>', 'failed probes before the app counts as unhealthy', { parse: 'int' }),
  sidecarOption('--dapr-listen-addresses <addresses>', 'addresses the sidecar listens on'),
];

const RUN_OPTIONS: readonly OptionSpec[] = [
  ...SIDECAR_RUN_OPTIONS,
  { flags: '-f, --run-file <file|dir>', description: 'run every app of a multi-app run file (a dir means <dir>/dapr.yaml)' },
  { flags: '--placement-host-address <address>', description: 'ignored (no actors yet)', hidden: true },
  { flags: '--scheduler-host-address <address>', description: 'ignored (no scheduler)', hidden: true },
  { flags: '--enable-profiling', description: 'ignored', hidden: true },
  { flags: '--profile-port <port>', description: 'ignored', hidden: true },
  { flags: '-u, --unix-domain-socket <dir>', description: 'ignored', hidden: true },
  { flags: '--runtime-path <dir>', description: 'ignored (the runtime ships with the CLI)', hidden: true },
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'init',
    summary: 'Create MINIDAPR_HOME with config.yaml and the default state store and pub/sub',
    options: [{ flags: '-s, --slim', description: 'accepted for Dapr compatibility (minidapr never uses containers)' }],
    examples: ['minidapr init', 'MINIDAPR_HOME=./.minidapr minidapr init --slim'],
    action: async (opts, _args, ctx) => (await load.init()).init({ ...opts, ...ctx }),
  },
  {
    name: 'uninstall',
    summary: 'Remove what init created (only unchanged files, unless --all)',
    options: [{ flags: '--all', description: 'remove MINIDAPR_HOME entirely, including files you changed' }],
    examples: ['minidapr uninstall', 'minidapr uninstall --all'],
    action: async (opts, _args, ctx) => (await load.uninstall()).uninstall({ ...opts, ...ctx }),
  },
  {
    name: 'run',
    summary: 'Run an app with a sidecar, or every app of a run file (-f)',
    args: '[command...]',
    passThrough: true,
    options: RUN_OPTIONS,
    examples: [
      'minidapr run --app-id nodeapp --app-port 3000 --dapr-http-port 3500 -- node app.js',
      'minidapr run --app-id sidecar-only --dapr-http-port 3500',
      'minidapr run -f .            # every app of ./dapr.yaml',
    ],
    action: async (opts, args, ctx) => (await load.run()).run({ ...opts, command: args, ...ctx }),
  },
  {
    name: 'list',
    summary: 'List the running apps and sidecars',
    options: [{ flags: '-o, --output <format>', description: 'table, json or yaml', defaultValue: 'table' }],
    examples: ['minidapr list', 'minidapr list -o json'],
    action: async (opts, _args, ctx) => (await load.list()).list({ ...opts, cwd: ctx.cwd, env: ctx.env, printer: ctx.output }),
  },
  {
    name: 'stop',
    summary: 'Stop an app and its sidecar (--app-id), or every app of a run file (-f)',
    options: [
      { flags: '-a, --app-id <id>', description: 'the app to stop' },
      { flags: '-f, --run-file <file|dir>', description: 'stop every app started from this run file' },
    ],
    examples: ['minidapr stop --app-id nodeapp', 'minidapr stop -f .'],
    action: async (opts, _args, ctx) => (await load.stop()).stop({ ...opts, ...ctx }),
  },
  {
    name: 'logs',
    summary: 'Print the sidecar and app log files of a running app (started by run or run -f)',
    options: [
      { flags: '-a, --app-id <id>', description: 'the app whose logs to print', required: true },
      { flags: '-f, --follow', description: 'keep printing new lines until Ctrl-C (or until the app\'s sidecar stops)' },
    ],
    examples: ['minidapr logs --app-id order-processor', 'minidapr logs -a order-processor --follow'],
    action: async (opts, _args, ctx) => (await load.logs()).logs({ ...(opts as { appId: string; follow?: boolean }), ...ctx }),
  },
  {
    name: 'invoke',
    summary: 'Call a method of a running app through its sidecar',
    options: [
      { flags: '-a, --app-id <id>', description: 'the app to call', required: true },
      { flags: '-m, --method <method>', description: 'the method (path) to call', required: true },
      { flags: '-v, --verb <verb>', description: 'the HTTP verb', defaultValue: 'POST' },
      { flags: '-d, --data <json>', description: 'a JSON request body' },
      { flags: '-f, --data-file <file>', description: 'a file holding the request body' },
      { flags: '--header <key=value>', description: 'an extra request header (repeatable)', parse: 'list' },
    ],
    examples: [
      'minidapr invoke --app-id nodeapp --method neworder --data \'{"data":{"orderId":"42"}}\'',
      'minidapr invoke -a nodeapp -m order --verb GET',
      'minidapr invoke -a nodeapp -m neworder --data-file sample.json',
    ],
    action: async (opts, _args, ctx) => (await load.invoke()).invoke({ ...(opts as { appId: string; method: string }), ...ctx }),
  },
  {
    name: 'publish',
    summary: 'Publish an event to a topic through a running app\'s sidecar',
    options: [
      { flags: '-i, --publish-app-id <id>', description: 'the app whose sidecar publishes', required: true },
      { flags: '-p, --pubsub <name>', description: 'the pub/sub component', required: true },
      { flags: '-t, --topic <topic>', description: 'the topic', required: true },
      { flags: '-d, --data <json>', description: 'the event as JSON' },
      { flags: '-f, --data-file <file>', description: 'a file holding the event as JSON' },
      { flags: '-m, --metadata <key=value>', description: 'publish metadata: key=value (repeatable) or a JSON object', parse: 'list' },
    ],
    examples: [
      'minidapr publish --publish-app-id checkout --pubsub orderpubsub --topic orders --data \'{"orderId":100}\'',
      'minidapr publish -i checkout -p orderpubsub -t orders -f order.json -m ttlInSeconds=60',
    ],
    action: async (opts, _args, ctx) => (await load.publish()).publish({ ...(opts as { publishAppId: string; pubsub: string; topic: string }), ...ctx }),
  },
  {
    name: 'mtls create-root',
    summary: 'Create the mTLS trust root (ca.crt, issuer.crt, issuer.key) in a folder, keeping one already there',
    options: [
      { flags: '-o, --out <dir>', description: 'where to write it (default: MINIDAPR_HOME/certs, as minidapr init does)' },
      { flags: '--trust-domain <domain>', description: 'the trust domain of the root (default: public, as minidapr init)' },
    ],
    examples: [
      'minidapr mtls create-root -o ./certs',
      'kubectl create secret generic minidapr-trust-root -n <namespace> --from-file=./certs',
    ],
    action: async (opts, _args, ctx) => (await load.mtls()).createRoot({ ...(opts as { out?: string; trustDomain?: string }), ...ctx }),
  },
  {
    name: 'dashboard',
    summary: 'Start the dashboard web app (apps, logs, explorer, components, traces, graph, metrics) and the trace collector',
    options: [
      { flags: '-p, --port <port>', description: 'the dashboard port (default: 8080)', parse: 'port' },
      { flags: '-a, --address <address>', description: 'the address to listen on (default: localhost)' },
      { flags: '--zipkin-port <port>', description: 'the collector\'s Zipkin port (default: 9411)', parse: 'port' },
      { flags: '--otlp-port <port>', description: 'the collector\'s OTLP/HTTP port (default: 4318)', parse: 'port' },
      { flags: '--no-collector', description: 'do not start the trace collector (show the traces another one stores)' },
      {
        flags: '--sidecar <appId=host[:httpPort[:metricsPort]]>',
        description: 'also watch a sidecar that has no local registry entry, e.g. in a container (repeatable; ports default to 3500 and 9090; also MINIDAPR_DASHBOARD_SIDECARS)',
        parse: 'list',
      },
    ],
    examples: [
      'minidapr dashboard',
      'minidapr dashboard -p 9999 -a 0.0.0.0',
      'minidapr dashboard --no-collector',
      'minidapr dashboard -a 0.0.0.0 --sidecar order-processor=order-processor-dapr --sidecar checkout=checkout-dapr:3500:9090',
    ],
    action: async (opts, _args, ctx) => (await load.dashboard()).dashboard({ ...opts, ...ctx }),
  },
  {
    name: 'version',
    summary: 'Print the CLI and runtime versions',
    options: [],
    examples: ['minidapr version', 'minidapr --version'],
    action: async (_opts, _args, ctx) => (await load.version()).version(ctx),
  },
];

/** Summaries of command groups (the first word of a two-word command name). */
export const GROUPS: Readonly<Record<string, string>> = {
  mtls: 'mTLS between sidecars: the trust root',
};

export const ROOT_EXAMPLES: readonly string[] = [
  'minidapr init',
  'minidapr run --app-id nodeapp --app-port 3000 -- node app.js',
  'minidapr invoke --app-id nodeapp --method neworder --data \'{"data":{"orderId":"42"}}\'',
  'minidapr list',
  'minidapr stop --app-id nodeapp',
];

export const ROOT_SUMMARY = 'minidapr: the Dapr CLI workflow (init, run, list, logs, stop, invoke, publish) with nothing but Node.js';
