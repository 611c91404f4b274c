/**
 * @module errors/security
 * Errors of the security checks: the sidecar-to-sidecar port's mTLS identity, the request guards
 * (Host, Origin) and the body idle timeout.
 */
import { DaprError } from './dapr-error';

export const securityErrors = {
  /** A certificate from the trust root that names no SPIFFE workload: nobody to attribute the call to. */
  peerUnidentified: () =>
    new DaprError('ERR_DIRECT_INVOKE', 'failed to invoke: the calling sidecar\'s certificate carries no SPIFFE ID (spiffe://<trust domain>/ns/<namespace>/<app id>)', {
      status: 403,
    }),
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
