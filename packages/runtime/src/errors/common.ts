/**
 * @module errors/common
 * Constructors for errors shared by every building block.
 */
import { DaprError } from './dapr-error';

export const commonErrors = {
  malformedRequest: (detail: string, cause?: unknown) => new DaprError('ERR_MALFORMED_REQUEST', detail, { cause }),
  bodyRead: (detail: string, cause?: unknown) => new DaprError('ERR_BODY_READ', `failed to read request body: ${detail}`, { cause }),
  bodyTooLarge: (limit: number) =>
    new DaprError('ERR_BODY_TOO_LARGE', `request body too large: the limit is ${limit} bytes (--max-body-size)`),
  unimplemented: (api: string, endpoint: string) =>
    new DaprError(
      'ERR_API_UNIMPLEMENTED',
      `the ${api} API (${endpoint}) is not supported by minidapr; it implements service invocation, state, pub/sub, bindings, secrets and metadata`,
    ),
  unexpected: (err: unknown) => new DaprError('ERROR', err instanceof Error ? err.message : String(err), { cause: err }),
  healthNotReady: (targets: string[]) => new DaprError('ERR_HEALTH_NOT_READY', `dapr is not ready: [${targets.join(' ')}]`),
  outboundNotReady: () => new DaprError('ERR_OUTBOUND_HEALTH_NOT_READY', 'dapr outbound is not ready'),
  appIdNotMatch: () => new DaprError('ERR_HEALTH_APPID_NOT_MATCH', 'dapr app-id does not match'),
};
