/**
 * @module errors/invoke
 * Service-invocation errors (all ERR_DIRECT_INVOKE, like daprd).
 */
import { DaprError } from './dapr-error';

export const invokeErrors = {
  noAppId: () =>
    new DaprError('ERR_DIRECT_INVOKE_NO_APP_ID', 'failed getting app id either from the URL path or the header dapr-app-id'),
  failed: (appId: string, detail: string, cause?: unknown) =>
    new DaprError('ERR_DIRECT_INVOKE', `failed to invoke, id: ${appId}, err: ${detail}`, { cause }),
  notReady: () => new DaprError('ERR_DIRECT_INVOKE', 'invoke API is not ready'),
};
