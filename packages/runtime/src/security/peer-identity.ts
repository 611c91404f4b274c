/**
 * @module security/peer-identity
 * Who is calling on the sidecar-to-sidecar port. With mTLS the identity comes from the peer's
 * verified certificate; without it only the caller's own claim (its identity headers) is available,
 * which any local process can forge — `verified` says which one a decision rests on.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { CALLER_APP_ID, CALLER_NAMESPACE } from '../invoke/headers';

/** Dapr's trust domain when none is configured. */
export const DEFAULT_TRUST_DOMAIN = 'public';
/** Dapr's namespace in self-hosted mode when NAMESPACE is not set. */
export const DEFAULT_NAMESPACE = 'default';

export interface PeerIdentity {
  appId: string;
  namespace: string;
  trustDomain: string;
  /** true when the identity was read from a certificate the trust root signed. */
  verified: boolean;
}

/** The identity a peer sidecar claims in its headers (mTLS off). */
export function claimedIdentity(headers: IncomingHttpHeaders): PeerIdentity {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
  return {
    appId: one(headers[CALLER_APP_ID]),
    namespace: one(headers[CALLER_NAMESPACE]) || DEFAULT_NAMESPACE,
    trustDomain: DEFAULT_TRUST_DOMAIN,
    verified: false,
  };
}
