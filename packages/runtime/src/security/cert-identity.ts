/**
 * @module security/cert-identity
 * The caller's identity on the sidecar-to-sidecar port when mTLS is on: the SPIFFE ID of the
 * certificate the TLS handshake verified. Headers play no part.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { PeerIdentity } from './peer-identity';
import { spiffeIdFromSan } from './spiffe';

const cache = new WeakMap<object, PeerIdentity | null>();

/** undefined when the connection is not TLS, was not verified, or the certificate has no SPIFFE ID. */
export function certificateIdentity(req: IncomingMessage): PeerIdentity | undefined {
  const socket = req.socket as TLSSocket;
  const hit = cache.get(socket);
  if (hit !== undefined) return hit ?? undefined;
  let id: PeerIdentity | null = null;
  if (socket.encrypted && socket.authorized) {
    const spiffe = spiffeIdFromSan(socket.getPeerX509Certificate()?.subjectAltName);
    if (spiffe) id = { ...spiffe, verified: true };
  }
  cache.set(socket, id);
  return id ?? undefined;
}
