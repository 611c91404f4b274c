/**
 * @module api/http/context
 * The universal API's context (api/universal/context.ts) from the HTTP server's deps.
 */
import type { AppDeps } from '../../server/deps';
import type { UniversalContext } from '../universal/context';

const contexts = new WeakMap<AppDeps, UniversalContext>();

/** One context per deps (made on first use; secret scopes and resiliency are read live, start() sets them). */
export function universalOf(deps: AppDeps): UniversalContext {
  let u = contexts.get(deps);
  if (u === undefined) {
    u = {
      store: deps.store,
      appId: deps.options.appId,
      namespace: deps.options.namespace,
      get secretScopes() {
        return deps.secretScopes;
      },
      get resiliency() {
        return deps.resiliency;
      },
      debug: (message) => deps.logger.debug(message),
    };
    contexts.set(deps, u);
  }
  return u;
}
