/**
 * @module commands/init/files
 * What `minidapr init` writes into MINIDAPR_HOME: the one place the default components are
 * declared. Switching the embedded defaults (e.g. to a durable store) means changing `type` (and
 * `metadata`) of one entry below.
 */
import { join } from 'node:path';

export interface DefaultComponent {
  file: string;
  name: string;
  type: string;
  metadata: Record<string, string>;
}

/**
 * The default state store and pub/sub every `minidapr run` gets when it names no resources path.
 * Both are durable and shared by every app of this home: SQLite files `<home>/state.db` and
 * `<home>/pubsub.db` (the broker delivers across sidecar processes, at least once).
 */
export function defaultComponents(home: string): DefaultComponent[] {
  return [
    { file: 'statestore.yaml', name: 'statestore', type: 'state.sqlite', metadata: { connectionString: join(home, 'state.db') } },
    { file: 'pubsub.yaml', name: 'pubsub', type: 'pubsub.sqlite', metadata: { connectionString: join(home, 'pubsub.db') } },
  ];
}

const HEADER = '# Written by `minidapr init`. Edit freely: init never overwrites a file you changed.\n';

export function componentYaml(c: DefaultComponent): string {
  const items = Object.entries(c.metadata)
    .map(([k, v]) => `  - name: ${k}\n    value: ${JSON.stringify(v)}`)
    .join('\n');
  return (
    HEADER +
    'apiVersion: dapr.io/v1alpha1\n' +
    'kind: Component\n' +
    'metadata:\n' +
    `  name: ${c.name}\n` +
    'spec:\n' +
    `  type: ${c.type}\n` +
    '  version: v1\n' +
    (items ? `  metadata:\n${items}\n` : '  metadata: []\n')
  );
}

/**
 * Dapr's default Configuration name, with `dapr init`'s tracing defaults: every request sampled and
 * exported to Zipkin on localhost:9411 (`minidapr dashboard` serves a Zipkin-compatible collector
 * there; with nothing listening the spans are dropped and counted, requests are not slowed). The
 * spec also turns on mTLS between sidecars with Dapr's default certificate lifetimes (the trust
 * root is in MINIDAPR_HOME/certs).
 */
export const CONFIG_YAML =
  HEADER +
  'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: daprConfig\nspec:\n' +
  '  tracing:\n    samplingRate: "1"\n    zipkin:\n      endpointAddress: http://localhost:9411/api/v2/spans\n' +
  '  mtls:\n    enabled: true\n    workloadCertTTL: 24h\n    allowedClockSkew: 15m\n';

/** What earlier versions of init wrote: replaced by the current default, since nobody edited it. */
export const PREVIOUS_CONFIG_YAMLS = [
  HEADER + 'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: daprConfig\nspec: {}\n',
  HEADER +
    'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: daprConfig\nspec:\n' +
    '  mtls:\n    enabled: true\n    workloadCertTTL: 24h\n    allowedClockSkew: 15m\n',
];

export interface InitFile {
  /** Path relative to MINIDAPR_HOME, with `/` separators. */
  path: string;
  content: string;
  /** Shown after the path when the file is created, e.g. `statestore: state.sqlite`. */
  what: string;
  /** Contents earlier versions of init wrote for this file (updated in place: the user never edited them). */
  previous?: readonly string[];
}

/** Every file init owns (for this MINIDAPR_HOME), in the order it reports them. */
export function initFiles(home: string): InitFile[] {
  return [
    { path: 'config.yaml', content: CONFIG_YAML, what: 'Configuration daprConfig, mTLS on', previous: PREVIOUS_CONFIG_YAMLS },
    ...defaultComponents(home).map((c) => ({ path: `components/${c.file}`, content: componentYaml(c), what: `${c.name}: ${c.type}` })),
  ];
}

export function absolute(home: string, rel: string): string {
  return join(home, ...rel.split('/'));
}
