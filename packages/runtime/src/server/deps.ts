/**
 * @module server/deps
 * Everything the HTTP API needs, passed explicitly to createApp (no globals).
 */
import type { ComponentStore } from '../components/store';
import type { SecretScopes } from '../components/secretstores/scopes';
import type { DirectMessaging } from '../invoke/direct-messaging';
import type { Logger } from '../logger';
import type { HttpMetrics } from '../metrics/metrics';
import type { RuntimeOptions } from '../options';
import type { RequestGuard } from './request-guard';
import type { Tracing } from '../tracing/tracer';
import type { Resiliency } from '../resiliency/resiliency';

export interface HealthState {
  /** Components loaded: /v1.0/healthz/outbound answers 204. */
  outboundReady: boolean;
  /** App port open (or no app): /v1.0/healthz answers 204. */
  ready: boolean;
}

export interface MetadataState {
  extended: Map<string, string>;
  enabledFeatures: string[];
  subscriptions: unknown[];
  httpEndpoints: Array<{ name: string }>;
}

export interface AppDeps {
  options: RuntimeOptions;
  logger: Logger;
  store: ComponentStore;
  health: HealthState;
  metadata: MetadataState;
  directMessaging: DirectMessaging;
  apiLogging: boolean;
  metrics?: HttpMetrics;
  /** The loaded Resiliency resources (absent = none). */
  resiliency?: Resiliency;
  /** Set by the tracing part when the sampling rate is above 0: spans per API call and hop. */
  tracing?: Tracing;
  runtimeVersion: string;
  /** Configuration `spec.secrets.scopes` by store name; absent = every secret allowed. */
  secretScopes?: SecretScopes;
  /** Called after PUT /v1.0/metadata/{key} so the registry can mirror CLI values. */
  onExtendedChange?(key: string, value: string): void;
  requestShutdown(force: boolean): void;
  /** Host/Origin checks shared with the internal port (default: one built from the options). */
  guard?: RequestGuard;
}
