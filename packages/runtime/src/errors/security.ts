/**
 * @module errors/security
 * Errors of the sidecar-to-sidecar port's security checks (mTLS identity).
 */
import { DaprError } from './dapr-error';

export const securityErrors = {
  /** A certificate from the trust root that names no SPIFFE workload: nobody to attribute the call to. */
  peerUnidentified: () =>
    new DaprError('ERR_DIRECT_INVOKE', 'failed to invoke: the calling sidecar\'s certificate carries no SPIFFE ID (spiffe://<trust domain>/ns/<namespace>/<app id>)', {
      status: 403,
    }),
};
