/**
 * @module security/peer-gate
 * The first check on the sidecar-to-sidecar port. With mTLS the TLS handshake already refused
 * peers without a certificate from the trust root; here a verified certificate must also name a
 * workload. Without mTLS, DAPR_API_TOKEN (when set) must be presented, compared in constant time.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { securityErrors } from '../errors/security';
import { respondError, respondUnauthorized } from '../server/respond';
import { certificateIdentity } from './cert-identity';
import { tokenDigest, tokenMatches } from './token';

export interface PeerGateOptions {
  mtls: boolean;
  apiToken?: string;
}

/** Returns a check that answers the request itself (and returns false) when the caller is refused. */
export function createPeerGate(o: PeerGateOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const token = !o.mtls && o.apiToken ? tokenDigest(o.apiToken) : undefined;
  return (req, res) => {
    if (o.mtls) {
      if (certificateIdentity(req)) return true;
      respondError(res, securityErrors.peerUnidentified());
      req.resume();
      return false;
    }
    if (!token || tokenMatches(token, req.headers['dapr-api-token'])) return true;
    respondUnauthorized(res);
    req.resume();
    return false;
  };
}
