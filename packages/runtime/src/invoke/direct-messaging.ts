/**
 * @module invoke/direct-messaging
 * Service invocation: caller sidecar → (name resolution) → target sidecar's internal port → target
 * app. A call to the sidecar's own app id goes straight to the app. Identity headers are set here and
 * only here. On the callee the method is normalised once (acl/normalize.ts); the access-control
 * policy judges that form and exactly that form, escaped, is what the app receives.
 * Nothing here writes an error: a refused or failed call rejects with a DaprError, and the endpoint
 * machinery (server/respond.ts respondError) answers it.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { authorize, spiffeId } from '../acl/authorize';
import { forwardableQuery, InvalidMethodError, methodToPath, normaliseMethod } from '../acl/normalize';
import type { AccessControlList } from '../acl/policy';
import { commonErrors } from '../errors/common';
import { invokeErrors } from '../errors/invoke';
import type { DaprError } from '../errors/dapr-error';
import type { NameResolver } from '../nameresolution';
import { claimedIdentity, DEFAULT_NAMESPACE, type PeerIdentity } from '../security/peer-identity';
import { ChannelWaitAborted, type AppChannel } from './app-channel';
import { APP_UNHEALTHY_DETAIL } from './app-health';
import { callerGone, forward, type ForwardTarget } from './forward';
import { CALLEE_APP_ID, CALLER_APP_ID, CALLER_NAMESPACE, filterPeerHeaders, filterRequestHeaders } from './headers';
import { decodePath, type InvokeTarget } from './method';
import { ensureTraceparent } from './trace';

export interface DirectMessagingDeps {
  appId: string;
  namespace?: string;
  resolver: NameResolver;
  appChannel?: AppChannel;
  maxBodySize: number;
  /** False while the app health prober says the app is unhealthy: calls to the app fail fast. */
  appHealthy?(): boolean;
  /** The caller's identity on the internal port (default: what its headers claim). */
  peerIdentity?(req: IncomingMessage): PeerIdentity;
  /** The Configuration's access-control list, applied to calls from peers (none: all allowed). */
  accessControl?: AccessControlList;
  /** How to reach a peer sidecar (mTLS); default plain HTTP on a keep-alive agent. */
  peerTransport?(appId: string, namespace: string): Omit<ForwardTarget, 'host' | 'port'>;
  /** Sent as dapr-api-token to peer sidecars (mTLS off and DAPR_API_TOKEN set). */
  peerToken?: string;
}

/** Dapr's built-in retry for sidecar-to-sidecar transport failures: 3 retries. */
const PEER_RETRY_DELAYS_MS = [250, 1000, 1000] as const;
/** A reused keep-alive socket to the app may have just been closed by the app: retry once. */
const APP_RETRY_DELAYS_MS = [0] as const;

export interface DirectMessaging {
  /** A call that arrived on the public API; rejects with the DaprError to answer. */
  invoke(req: IncomingMessage, res: ServerResponse, target: InvokeTarget, query: string, dropAuthorization: boolean): Promise<void>;
  /** A call that arrived on the internal port from a peer sidecar; rejects with the DaprError to answer. */
  deliverFromPeer(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): void;
}

export function createDirectMessaging(d: DirectMessagingDeps): DirectMessaging {
  const peerAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, timeout: 30000, scheduling: 'lifo' });
  const host = hostname();

  const toApp = async (req: IncomingMessage, res: ServerResponse, path: string, headers: OutgoingHttpHeaders, appId: string, trace: string) => {
    const channel = d.appChannel;
    if (!channel) throw invokeErrors.failed(appId, 'app channel is not initialized: the sidecar was started without --app-port');
    // daprd's HTTP app channel refuses every call while the app is unhealthy (messages.ErrAppUnhealthy).
    if (d.appHealthy && !d.appHealthy()) throw invokeErrors.failed(appId, APP_UNHEALTHY_DETAIL);
    const release = channel.tryAcquire() ?? (await waitForSlot(channel, res));
    if (!release) {
      req.resume(); // the caller hung up while queued: nothing to send, no slot taken
      return;
    }
    try {
      await forward({
        req,
        res,
        target: channel.target,
        method: req.method ?? 'GET',
        path,
        headers: channel.decorate(headers),
        maxBodySize: d.maxBodySize,
        responseHeaders: { traceparent: trace },
        retry: { delaysMs: APP_RETRY_DELAYS_MS },
        toError: (err) => invokeErrors.failed(appId, `error calling the app: ${describe(err)}`, err),
      });
    } finally {
      release();
    }
  };

  return {
    async invoke(req, res, target, query, dropAuthorization) {
      const trace = ensureTraceparent(req.headers.traceparent);
      const headers = filterRequestHeaders(req.headers, dropAuthorization);
      headers[CALLER_APP_ID] = d.appId;
      headers[CALLEE_APP_ID] = target.appId;
      if (d.namespace) headers[CALLER_NAMESPACE] = d.namespace;
      headers.traceparent = trace;
      const path = methodToPath(target.method) + forwardableQuery(query);
      const namespace = target.namespace ?? d.namespace;
      if (target.appId === d.appId && (namespace ?? '') === (d.namespace ?? '')) {
        // Self-invocation never crosses the internal port, so no access policy applies (as in daprd).
        if (target.method.includes('%')) throw undeliverable(target.appId, target.method);
        await toApp(req, res, path, headers, target.appId, trace);
        return;
      }
      if (d.peerToken) headers['dapr-api-token'] = d.peerToken;
      const transport = d.peerTransport?.(target.appId, namespace ?? DEFAULT_NAMESPACE);
      const resolveTarget = async (): Promise<ForwardTarget | undefined> => {
        const addr = await d.resolver.resolve(target.appId, namespace);
        if (!addr) return undefined;
        return transport ? { ...transport, host: addr.host, port: addr.port } : { protocol: 'http:', host: addr.host, port: addr.port, agent: peerAgent };
      };
      let first: ForwardTarget | undefined;
      try {
        first = await resolveTarget();
      } catch (err) {
        throw invokeErrors.failed(target.appId, `name resolution failed: ${describe(err as Error)}`, err);
      }
      if (!first) throw invokeErrors.failed(target.appId, `app id ${target.appId} not found: no running sidecar has registered it`);
      await forward({
        req,
        res,
        target: first,
        method: req.method ?? 'GET',
        path,
        headers,
        maxBodySize: d.maxBodySize,
        responseHeaders: { traceparent: trace },
        retry: {
          delaysMs: PEER_RETRY_DELAYS_MS,
          reresolve: async () => {
            d.resolver.invalidate(target.appId);
            return resolveTarget();
          },
        },
        toError: (err) => invokeErrors.failed(target.appId, `error reaching the sidecar of ${target.appId}: ${describe(err)}`, err),
      });
    },

    async deliverFromPeer(req, res) {
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
      await toApp(req, res, methodToPath(target.method) + target.query, headers, d.appId, trace);
    },

    close() {
      peerAgent.destroy();
    },
  };
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

/** A decoded `%` cannot go into the app's URL unambiguously (daprd fails building that URL too). */
function undeliverable(appId: string, method: string): DaprError {
  return invokeErrors.failed(appId, `invalid method name ${JSON.stringify(method)}: a literal "%" cannot be sent to the app`);
}

/** Waits for an app slot; gives up (undefined) as soon as the caller's connection closes. */
async function waitForSlot(channel: AppChannel, res: ServerResponse): Promise<(() => void) | undefined> {
  if (callerGone(res)) return undefined;
  const gone = new AbortController();
  const onClose = (): void => gone.abort();
  res.once('close', onClose);
  try {
    return await channel.acquire(gone.signal);
  } catch (err) {
    if (err instanceof ChannelWaitAborted) return undefined;
    throw err;
  } finally {
    res.off('close', onClose);
  }
}

function appendHeader(existing: OutgoingHttpHeaders[string], value: string): string {
  if (existing === undefined || existing === '') return value;
  return `${Array.isArray(existing) ? existing.join(', ') : String(existing)}, ${value}`;
}

function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code} ${err.message.replace(code, '').trim()}`.trim() : err.message;
}
