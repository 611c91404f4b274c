/**
 * @module invoke/callee
 * The callee side of service invocation: a call that arrived on the internal port from a peer
 * sidecar. The method is normalised once (acl/normalize.ts); the access-control policy judges that
 * form and exactly that form, escaped, is what the app receives, with the caller's identity and the
 * forwarding headers set here. A refusal rejects with the DaprError to answer, its gRPC status also
 * put in the internal `dapr-grpc-*` headers so that a caller sidecar serving a gRPC caller relays it.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { authorize, spiffeId } from '../acl/authorize';
import { forwardableQuery, InvalidMethodError, normaliseMethod } from '../acl/normalize';
import type { AccessControlList } from '../acl/policy';
import { encodeStatus } from '../api/grpc/status';
import { commonErrors } from '../errors/common';
import { invokeErrors } from '../errors/invoke';
import { isDaprError, type DaprError } from '../errors/dapr-error';
import { claimedIdentity, type PeerIdentity } from '../security/peer-identity';
import { undeliverable, type AppSide } from './app-side';
import { CALLEE_APP_ID, CALLER_APP_ID, filterPeerHeaders } from './headers';
import { decodePath } from './method';
import { ensureTraceparent } from './trace';
import { grpcStatusHeaders, grpcStatusOf } from './translate';

/** What the callee side needs from direct messaging's dependencies. */
export interface CalleeDeps {
  appId: string;
  peerIdentity?(req: IncomingMessage): PeerIdentity;
  accessControl?: AccessControlList;
}

/** Delivers a peer's call to the app; rejects with the DaprError to answer. */
export function createCallee(d: CalleeDeps, app: Pick<AppSide, 'toApp'>): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const host = hostname();

  return async function deliverFromPeer(req, res) {
    try {
      await deliver(req, res);
    } catch (err) {
      // The caller's sidecar may be serving a gRPC caller: tell it the exact status too.
      if (isDaprError(err) && !res.headersSent) {
        const s = grpcStatusOf(err);
        const h = grpcStatusHeaders({ code: s.code, message: s.message, details: s.details.length > 0 ? encodeStatus(s) : undefined });
        for (const name in h) res.setHeader(name, h[name] as string);
      }
      throw err;
    }
  };

  async function deliver(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const callee = req.headers[CALLEE_APP_ID];
    // The caller's registry pointed at a port that now belongs to another app.
    if (callee !== d.appId) throw invokeErrors.failed(String(callee ?? ''), `this sidecar serves app ${d.appId}, not ${String(callee ?? '')}`);
    const caller = d.peerIdentity ? d.peerIdentity(req) : claimedIdentity(req.headers);
    const verb = req.method ?? 'GET';
    const target = peerTarget(req.url ?? '/', d.appId);
    if (target instanceof Error) throw target;
    if (!authorize(d.accessControl, caller, target.method, verb).allowed) throw invokeErrors.permissionDenied(d.appId, spiffeId(caller), target.method, verb);
    if (target.method.includes('%')) throw undeliverable(d.appId, target.method);
    const trace = ensureTraceparent(req.headers.traceparent);
    const headers = filterPeerHeaders(req.headers);
    // The app sees the identity the decision rested on, never a forged one beside it.
    headers[CALLER_APP_ID] = caller.appId;
    const remote = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = appendHeader(headers['x-forwarded-for'], remote);
    headers['x-forwarded-host'] = appendHeader(headers['x-forwarded-host'], host);
    headers.forwarded = appendHeader(headers.forwarded, `for=${remote};by=${req.socket.localAddress ?? ''};host=${host}`);
    await app.toApp(req, res, target, headers, d.appId, trace, true);
  }
}

/** The normalised method and forwardable query of a peer's request line, or the error to answer. */
function peerTarget(url: string, appId: string): { method: string; query: string } | DaprError {
  const q = url.indexOf('?');
  const rawPath = q >= 0 ? url.slice(0, q) : url;
  const decoded = decodePath(rawPath.replace(/^\/+/, ''));
  if (decoded === undefined) return commonErrors.malformedRequest(`invalid escape sequence in method "${rawPath}"`);
  try {
    return { method: normaliseMethod(decoded), query: forwardableQuery(q >= 0 ? url.slice(q) : '') };
  } catch (err) {
    if (err instanceof InvalidMethodError) return invokeErrors.failed(appId, err.message, err);
    throw err;
  }
}

function appendHeader(existing: OutgoingHttpHeaders[string], value: string): string {
  if (existing === undefined || existing === '') return value;
  return `${Array.isArray(existing) ? existing.join(', ') : String(existing)}, ${value}`;
}
