/**
 * @module api/http/context
 * The universal API's context (api/universal/context.ts) from the HTTP server's deps.
 */
import type { AppDeps } from '../../server/deps';
import type { UniversalContext } from '../universal/context';

export function universalOf(deps: AppDeps): UniversalContext {
  return {
    store: deps.store,
    appId: deps.options.appId,
    namespace: deps.options.namespace,
    secretScopes: deps.secretScopes,
    debug: (message) => deps.logger.debug(message),
  };
}
