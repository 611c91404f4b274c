/**
 * @module option-flags
 * The daprd flags minidaprd knows, as data: implemented flags with their kind, aliases, and the
 * daprd flags accepted without effect. options.ts turns them into RuntimeOptions.
 */

import { GUARD_FLAGS } from './options-guards';

export type Kind = 'string' | 'int' | 'bool' | 'list' | 'quantity' | 'duration';
export interface FlagDef {
  kind: Kind;
  key?: string;
}

/** Flags we implement, by canonical name; aliases map onto them. */
export const FLAGS: Record<string, FlagDef> = {
  'app-id': { kind: 'string' },
  'app-port': { kind: 'int' },
  'app-protocol': { kind: 'string' },
  'app-channel-address': { kind: 'string' },
  'app-max-concurrency': { kind: 'int' },
  'app-ssl': { kind: 'bool' },
  'dapr-http-port': { kind: 'int' },
  'dapr-grpc-port': { kind: 'int' },
  'dapr-internal-port': { kind: 'int' },
  'metrics-port': { kind: 'int' },
  'enable-metrics': { kind: 'bool' },
  'dapr-listen-addresses': { kind: 'list' },
  'resources-path': { kind: 'list' },
  config: { kind: 'list' },
  'log-level': { kind: 'string' },
  'log-as-json': { kind: 'bool' },
  'enable-api-logging': { kind: 'bool' },
  'max-body-size': { kind: 'quantity' },
  'read-buffer-size': { kind: 'quantity' },
  'dapr-http-max-request-size': { kind: 'int' },
  'dapr-http-read-buffer-size': { kind: 'int' },
  'dapr-graceful-shutdown-seconds': { kind: 'int' },
  'enable-app-health-check': { kind: 'bool' },
  'app-health-check-path': { kind: 'string' },
  'app-health-probe-interval': { kind: 'int' },
  'app-health-probe-timeout': { kind: 'int' },
  'app-health-threshold': { kind: 'int' },
  'app-binding-options-timeout': { kind: 'duration' },
  'enable-mtls': { kind: 'bool' },
  'sentry-address': { kind: 'string' },
  'trust-anchors-file': { kind: 'string' },
  'issuer-credentials': { kind: 'string' },
  'dapr-internal-grpc-listen-address': { kind: 'list' },
  version: { kind: 'bool' },
  'build-info': { kind: 'bool' },
  help: { kind: 'bool' },
  ...GUARD_FLAGS,
};

export const ALIASES: Record<string, string> = {
  'dapr-internal-grpc-port': 'dapr-internal-port',
  'components-path': 'resources-path',
  h: 'help',
};

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
