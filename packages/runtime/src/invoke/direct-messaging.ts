/**
 * @module invoke/direct-messaging
 * Service invocation: caller sidecar → (name resolution) → target sidecar's internal port → target
 * app. A call to the sidecar's own app id goes straight to the app. Identity headers are set here and
 * only here. On the callee the method is normalised once (acl/normalize.ts); the access-control
 * policy judges that form and exactly that form, escaped, is what the app receives.
 * Nothing here writes an error: a refused or failed call rejects with a DaprError, and the endpoint
 * machinery (server/respond.ts respondError) answers it.
 * A gRPC caller (InvokeService) comes in through `call()`: same resolution, identity, retries and
 * transport, but one buffered exchange. When the app speaks gRPC, the callee side asks it through
 * AppCallbacks and answers the peer with the app's status in the internal `dapr-grpc-*` headers
 * (./translate), as it does for its own refusals, so a gRPC caller gets the exact status back.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { authorize, spiffeId } from '../acl/authorize';
import { forwardableQuery, InvalidMethodError, methodToPath, normaliseMethod } from '../acl/normalize';
import type { AccessControlList } from '../acl/policy';
import { encodeStatus } from '../api/grpc/status';
import type { AppCallbacks, AppInvoke, AppInvokeResult } from '../app-channel/types';
import { commonErrors } from '../errors/common';
import { invokeErrors } from '../errors/invoke';
import { isDaprError, type DaprError } from '../errors/dapr-error';
import type { NameResolver } from '../nameresolution';
import { claimedIdentity, DEFAULT_NAMESPACE, type PeerIdentity } from '../security/peer-identity';
import { ChannelWaitAborted, type AppChannel } from './app-channel';
import { APP_UNHEALTHY_DETAIL } from './app-health';
import { canResend, exchange, readBody } from './exchange';
import { callerGone, forward, type ForwardTarget } from './forward';
import { forwardWithPolicy, type Leg } from './policy-forward';
import { resendable, runCall, toAppWithPolicy, type OwnApp } from './policy-calls';
import type { PolicyRunner } from '../resiliency/runner';
import { CALLEE_APP_ID, CALLER_APP_ID, CALLER_NAMESPACE, filterPeerHeaders, filterRequestHeaders } from './headers';
import { decodePath, type InvokeTarget } from './method';
import { ensureTraceparent } from './trace';
import type { Resiliency } from '../resiliency/resiliency';
import { grpcStatusHeaders, grpcStatusOf, resultOf, writeAppResult } from './translate';

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
  /** The app side; when its protocol is gRPC, invocations for the app go through it (not appChannel). */
  appCallbacks?: AppCallbacks;
  /** The loaded Resiliency resources (a getter: invocation starts before the components). Absent: the built-in retries only. */
  resiliency?: () => Resiliency;
  /** Before each retry of an HTTP call (the API span records it). */
  onRetry?(req: IncomingMessage, attempt: number, reason: unknown): void;
}

/** An invocation from the gRPC API (InvokeService), buffered: the request is one message. */
export interface OutboundInvoke {
  appId: string;
  namespace?: string;
  /** The method as the caller named it (not escaped); normalised here, as for HTTP callers. */
  method: string;
  verb: string;
  /** Query string without its `?`. */
  query: string;
  contentType?: string;
  body: Buffer;
  /** The caller's metadata as request headers (./translate headersFromMetadata). */
  headers: OutgoingHttpHeaders;
  signal?: AbortSignal;
  trace: { traceparent: string; tracestate?: string };
  /** Before each retry (the call's span records it). */
  onRetry?(attempt: number, reason: unknown): void;
}

/**
 * Sidecar-to-sidecar transport failures without a Resiliency to ask (unit tests wire none): 3
 * retries, as the runner's built-in DaprBuiltInServiceRetries does when one is wired.
 */
const PEER_RETRY_DELAYS_MS = [250, 1000, 1000] as const;
/** A reused keep-alive socket to the app may have just been closed by the app: retry once. */
const APP_RETRY_DELAYS_MS = [0] as const;

export interface DirectMessaging {
  /** A call that arrived on the public API; rejects with the DaprError to answer. */
  invoke(req: IncomingMessage, res: ServerResponse, target: InvokeTarget, query: string, dropAuthorization: boolean): Promise<void>;
  /** A call that arrived on the internal port from a peer sidecar; rejects with the DaprError to answer. */
  deliverFromPeer(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /**
   * A call from the gRPC API: the whole answer of the app (or the callee sidecar's refusal as a
   * gRPC status in `grpc`); rejects with the DaprError to answer when the target cannot be reached.
   */
  call(req: OutboundInvoke): Promise<AppInvokeResult>;
  close(): void;
}

export function createDirectMessaging(d: DirectMessagingDeps): DirectMessaging {
  const peerAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, timeout: 30000, scheduling: 'lifo' });
  const host = hostname();
  const grpcApp = (): AppCallbacks | undefined => (d.appCallbacks?.protocol === 'grpc' ? d.appCallbacks : undefined);

  /** daprd refuses every call while the app is unhealthy (messages.ErrAppUnhealthy). */
  const checkHealthy = (appId: string): void => {
    if (d.appHealthy && !d.appHealthy()) throw invokeErrors.failed(appId, APP_UNHEALTHY_DETAIL);
  };

  /** The HTTP app channel of a healthy app, or the error to answer. */
  const httpChannel = (appId: string): AppChannel => {
    const channel = d.appChannel;
    if (!channel) throw invokeErrors.failed(appId, 'app channel is not initialized: the sidecar was started without --app-port');
    checkHealthy(appId);
    return channel;
  };

  const toApp = async (req: IncomingMessage, res: ServerResponse, target: { method: string; query: string }, headers: OutgoingHttpHeaders, appId: string, trace: string, forPeer: boolean) => {
    const callbacks = grpcApp();
    if (callbacks) {
      checkHealthy(appId);
      await toGrpcApp(callbacks, req, res, target, headers, appId, trace, forPeer);
      return;
    }
    const channel = httpChannel(appId);
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
        path: methodToPath(target.method) + target.query,
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

  /** An HTTP request (a peer's, or an HTTP caller's to its own app) for a gRPC app: one OnInvoke. */
  const toGrpcApp = async (
    callbacks: AppCallbacks,
    req: IncomingMessage,
    res: ServerResponse,
    target: { method: string; query: string },
    headers: OutgoingHttpHeaders,
    appId: string,
    trace: string,
    forPeer: boolean,
  ) => {
    const body = await readBody(req, d.maxBodySize);
    if (callerGone(res)) return;
    const gone = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) gone.abort();
    };
    res.once('close', onClose);
    try {
      const contentType = req.headers['content-type'];
      const result = await invokeGrpcApp(callbacks, appId, {
        method: target.method,
        verb: req.method ?? 'POST',
        query: target.query.replace(/^\?/, ''),
        contentType,
        body,
        headers: headers as IncomingMessage['headers'],
        signal: gone.signal,
      });
      if (!callerGone(res)) writeAppResult(res, result, trace, forPeer);
    } finally {
      res.off('close', onClose);
    }
  };

  const invokeGrpcApp = async (callbacks: AppCallbacks, appId: string, inv: AppInvoke): Promise<AppInvokeResult> => {
    const release = await callbacks.acquire(inv.signal);
    try {
      return await callbacks.invoke(inv);
    } catch (err) {
      if (isDaprError(err)) throw err;
      throw invokeErrors.failed(appId, `error calling the app: ${describe(err as Error)}`, err);
    } finally {
      release();
    }
  };

  /** A gRPC caller's call to this sidecar's own app. */
  const callOwnApp = async (inv: AppInvoke): Promise<AppInvokeResult> => {
    const callbacks = grpcApp();
    if (callbacks) {
      checkHealthy(d.appId);
      return invokeGrpcApp(callbacks, d.appId, inv);
    }
    const channel = httpChannel(d.appId);
    const release = channel.tryAcquire() ?? (await channel.acquire(inv.signal));
    try {
      const answer = await exchange({
        target: channel.target,
        method: inv.verb,
        path: methodToPath(inv.method) + (inv.query ? `?${inv.query}` : ''),
        headers: channel.decorate({ ...inv.headers }),
        body: inv.body,
        maxBodySize: d.maxBodySize,
        signal: inv.signal,
        retry: { delaysMs: APP_RETRY_DELAYS_MS },
        toError: (err) => invokeErrors.failed(d.appId, `error calling the app: ${describe(err)}`, err),
      });
      // The app's own answer: any dapr-grpc-* header it sent means nothing.
      return resultOf(answer, false);
    } finally {
      release();
    }
  };

  /** The peer sidecar of `appId` (and how to find it again after a transport failure). */
  const peerOf = async (appId: string, namespace: string | undefined): Promise<{ first: ForwardTarget; reresolve: () => Promise<ForwardTarget | undefined> }> => {
    const transport = d.peerTransport?.(appId, namespace ?? DEFAULT_NAMESPACE);
    const resolveTarget = async (): Promise<ForwardTarget | undefined> => {
      const addr = await d.resolver.resolve(appId, namespace);
      if (!addr) return undefined;
      return transport ? { ...transport, host: addr.host, port: addr.port } : { protocol: 'http:', host: addr.host, port: addr.port, agent: peerAgent };
    };
    let first: ForwardTarget | undefined;
    try {
      first = await resolveTarget();
    } catch (err) {
      throw invokeErrors.failed(appId, `name resolution failed: ${describe(err as Error)}`, err);
    }
    if (!first) throw invokeErrors.failed(appId, `app id ${appId} not found: no running sidecar has registered it`);
    return {
      first,
      reresolve: async () => {
        d.resolver.invalidate(appId);
        return resolveTarget();
      },
    };
  };

  /** One attempt's peer: resolved afresh (the resolver caches), the cache dropped after a transport failure. */
  const peerLeg = async (appId: string, namespace: string | undefined, headers: OutgoingHttpHeaders, afterFailure: boolean): Promise<Leg> => {
    if (afterFailure) d.resolver.invalidate(appId);
    const peer = await peerOf(appId, namespace);
    return { target: peer.first, headers };
  };

  const ownApp: OwnApp = { appId: d.appId, maxBodySize: d.maxBodySize, grpcApp, checkHealthy, httpChannel, invokeGrpcApp, onRetry: d.onRetry, describe };

  const isSelf = (appId: string, namespace: string | undefined): boolean => appId === d.appId && (namespace ?? '') === (d.namespace ?? '');

  return {
    async invoke(req, res, target, query, dropAuthorization) {
      const trace = ensureTraceparent(req.headers.traceparent);
      const headers = filterRequestHeaders(req.headers, dropAuthorization);
      headers[CALLER_APP_ID] = d.appId;
      headers[CALLEE_APP_ID] = target.appId;
      if (d.namespace) headers[CALLER_NAMESPACE] = d.namespace;
      headers.traceparent = trace;
      const namespace = target.namespace ?? d.namespace;
      // daprd looks the policy up by the id as the caller wrote it (`app` or `app.namespace`).
      const policyId = target.namespace === undefined ? target.appId : `${target.appId}.${target.namespace}`;
      const resiliency = d.resiliency?.();
      if (isSelf(target.appId, namespace)) {
        // Self-invocation never crosses the internal port, so no access policy applies (as in daprd).
        if (target.method.includes('%')) throw undeliverable(target.appId, target.method);
        const appTarget = { method: target.method, query: forwardableQuery(query) };
        // daprd applies a user policy to calls to the own app too (never the built-in retries).
        const runner = resiliency?.targetsApp(policyId) ? resiliency.endpoint(policyId, target.method) : undefined;
        if (runner && !runner.noop) await toAppWithPolicy(ownApp, runner, req, res, appTarget, headers, policyId, trace);
        else await toApp(req, res, appTarget, headers, target.appId, trace, false);
        return;
      }
      if (d.peerToken) headers['dapr-api-token'] = d.peerToken;
      // daprd keeps a breaker per app and method: the runner is the method's when a breaker applies.
      const runner = resiliency?.endpoint(policyId, target.method);
      const userPolicy = runner !== undefined && !runner.noop && (resiliency as Resiliency).targetsApp(policyId);
      const path = methodToPath(target.method) + forwardableQuery(query);
      const toError = (err: Error): DaprError => invokeErrors.failed(target.appId, `error reaching the sidecar of ${target.appId}: ${describe(err)}`, err);
      const withPolicy = (first?: { failure: Error; body?: Buffer }) =>
        forwardWithPolicy({
          appId: policyId,
          req,
          res,
          runner: runner as PolicyRunner,
          answersCount: userPolicy,
          method: req.method ?? 'GET',
          path,
          maxBodySize: d.maxBodySize,
          responseHeaders: { traceparent: trace },
          open: (_attempt, _signal, afterFailure) => peerLeg(target.appId, namespace, headers, afterFailure),
          toError,
          onRetry: d.onRetry && ((attempt, reason) => d.onRetry?.(req, attempt, reason)),
          first,
        });
      if (userPolicy) return withPolicy();
      // No user policy: the plain forward (as fast as before resiliency). Only when it fails before
      // sending anything do the built-in retries (the runner's DaprBuiltInServiceRetries) take over.
      let unsent: { failure: Error; body?: Buffer } | undefined;
      const peer = await peerOf(target.appId, namespace);
      try {
        await forward({
          req,
          res,
          target: peer.first,
          method: req.method ?? 'GET',
          path,
          headers,
          maxBodySize: d.maxBodySize,
          responseHeaders: { traceparent: trace },
          // No Resiliency wired (unit tests): the built-in retries as a plain loop.
          retry: runner ? undefined : { delaysMs: PEER_RETRY_DELAYS_MS, reresolve: peer.reresolve },
          onUnsent: runner && !runner.noop ? (failure, body) => (unsent = { failure, body }) : undefined,
          toError,
        });
      } catch (err) {
        if (!unsent || callerGone(res)) throw err;
        await withPolicy(unsent);
      }
    },

    async deliverFromPeer(req, res) {
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
    },

    async call(o) {
      const headers = filterRequestHeaders(o.headers as IncomingMessage['headers']);
      headers[CALLER_APP_ID] = d.appId;
      headers[CALLEE_APP_ID] = o.appId;
      if (d.namespace) headers[CALLER_NAMESPACE] = d.namespace;
      headers.traceparent = o.trace.traceparent;
      if (o.trace.tracestate) headers.tracestate = o.trace.tracestate;
      if (o.contentType) headers['content-type'] = o.contentType;
      let method: string;
      try {
        method = normaliseMethod(o.method);
      } catch (err) {
        if (err instanceof InvalidMethodError) throw invokeErrors.failed(o.appId, err.message, err);
        throw err;
      }
      const query = o.query.split('#', 1)[0] ?? '';
      const namespace = o.namespace ?? d.namespace;
      const policyId = o.namespace === undefined ? o.appId : `${o.appId}.${o.namespace}`;
      const resiliency = d.resiliency?.();
      if (isSelf(o.appId, namespace)) {
        if (method.includes('%')) throw undeliverable(o.appId, method);
        const inv: AppInvoke = { method, verb: o.verb, query, contentType: o.contentType, body: o.body, headers: headers as IncomingMessage['headers'], signal: o.signal };
        const runner = resiliency?.targetsApp(policyId) ? resiliency.endpoint(policyId, method) : undefined;
        if (!runner || runner.noop) return callOwnApp(inv);
        return runCall(runner, true, o, (signal) => callOwnApp({ ...inv, signal }));
      }
      if (d.peerToken) headers['dapr-api-token'] = d.peerToken;
      const path = methodToPath(method) + (query ? `?${query}` : '');
      const toError = (err: Error): DaprError => {
        const e = invokeErrors.failed(o.appId, `error reaching the sidecar of ${o.appId}: ${describe(err)}`, err);
        if (canResend(err)) resendable.add(e);
        return e;
      };
      const runner = resiliency?.endpoint(policyId, method);
      let afterFailure = false;
      const attempt = async (signal: AbortSignal): Promise<AppInvokeResult> => {
        const leg = await peerLeg(o.appId, namespace, headers, afterFailure);
        afterFailure = false;
        try {
          const answer = await exchange({ target: leg.target, method: o.verb, path, headers, body: o.body, maxBodySize: d.maxBodySize, signal, toError });
          return resultOf(answer, true);
        } catch (err) {
          afterFailure = resendable.has(err as object);
          throw err;
        }
      };
      if (runner && !runner.noop && (resiliency as Resiliency).targetsApp(policyId)) return runCall(runner, true, o, attempt);
      // No user policy: one plain exchange; the built-in retries take over after a failure that sent nothing.
      const peer = await peerOf(o.appId, namespace);
      try {
        const answer = await exchange({
          target: peer.first,
          method: o.verb,
          path,
          headers,
          body: o.body,
          maxBodySize: d.maxBodySize,
          signal: o.signal,
          retry: runner ? undefined : { delaysMs: PEER_RETRY_DELAYS_MS, reresolve: peer.reresolve },
          toError,
        });
        return resultOf(answer, true);
      } catch (err) {
        if (!runner || runner.noop || !resendable.has(err as object)) throw err;
        let first = true;
        return runCall(runner, false, o, (signal) => {
          if (!first) return attempt(signal);
          first = false;
          afterFailure = true;
          return Promise.reject(err);
        });
      }
    },

    close() {
      peerAgent.destroy();
    },
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
    await toApp(req, res, target, headers, d.appId, trace, true);
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

export function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code} ${err.message.replace(code, '').trim()}`.trim() : err.message;
}
