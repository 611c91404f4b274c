/**
 * @module api/universal/context
 * What every universal operation runs against: the loaded components and the app's identity. The
 * HTTP adapters build it from their deps; the gRPC server will build it from its own.
 */
import type { SecretScopes } from '../../components/secretstores/scopes';
import type { ComponentStore } from '../../components/store';
import type { Resiliency } from '../../resiliency/resiliency';

export interface UniversalContext {
  store: ComponentStore;
  appId: string;
  namespace?: string;
  /** Configuration `spec.secrets.scopes` by store name; absent = every secret allowed. */
  secretScopes?: SecretScopes;
  /** The loaded Resiliency resources: component calls run under `resiliency.component(…)` (absent = none). */
  resiliency?: Resiliency;
  /** Where denied-by-policy secrets are noted. */
  debug(message: string): void;
}
