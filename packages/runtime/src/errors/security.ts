/**
 * @module errors/security
 * Constructors for the request guards (Host, Origin) and the body idle timeout: minidapr's own.
 */
import { DaprError } from './dapr-error';

export const securityErrors = {
  hostNotAllowed: (host: string) =>
    new DaprError(
      'ERR_HOST_NOT_ALLOWED',
      `Host "${host.slice(0, 256)}" is not a name of this sidecar; add it with --allowed-hosts (or MINIDAPR_ALLOWED_HOSTS), or pass --allowed-hosts '*'`,
    ),
  originNotAllowed: (origin: string) =>
    new DaprError('ERR_ORIGIN_NOT_ALLOWED', `cross-site request from origin ${origin.slice(0, 256)} refused; allow it with --allowed-origins`),
  bodyIdle: (ms: number) =>
    new DaprError('ERR_REQUEST_TIMEOUT', `the request body stopped arriving for ${ms} ms (--read-body-idle-timeout)`),
};
