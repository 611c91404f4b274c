/**
 * @module errors/invoke
 * Service-invocation errors (ERR_DIRECT_INVOKE, like daprd), and the access-control denial.
 */
import { DaprError } from './dapr-error';

export const invokeErrors = {
  noAppId: () =>
    new DaprError('ERR_DIRECT_INVOKE_NO_APP_ID', 'failed getting app id either from the URL path or the header dapr-app-id'),
  failed: (appId: string, detail: string, cause?: unknown) =>
    new DaprError('ERR_DIRECT_INVOKE', `failed to invoke, id: ${appId}, err: ${detail}`, { cause }),
  notReady: () => new DaprError('ERR_DIRECT_INVOKE', 'invoke API is not ready'),
  /**
   * The callee's access-control policy refused the call (403). daprd's HTTP API reports this as
   * ERR_DIRECT_INVOKE with status 403; minidaprd uses ERR_PERMISSION_DENIED (issue 12) and keeps
   * daprd's message text, so tools that read the message still find it.
   */
  permissionDenied: (appId: string, callerId: string, operation: string, verb: string) =>
    new DaprError(
      'ERR_PERMISSION_DENIED',
      `failed to invoke, id: ${appId}, err: access control policy has denied access to id: ${callerId} operation: ${operation} verb: ${verb}`,
    ),
};
