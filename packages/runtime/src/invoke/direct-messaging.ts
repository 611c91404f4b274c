/**
 * @module invoke/direct-messaging
 * Service invocation: caller sidecar → (name resolution) → target sidecar's internal port → target
 * app. A call to the sidecar's own app id goes straight to the app (./app-side). The caller's
 * identity headers are set here; the callee side (./callee) checks the access policy and delivers.
 * Nothing here writes an error: a refused or failed call rejects with a DaprError, and the endpoint
 * machinery (server/respond.ts respondError) answers it.
 * A gRPC caller (InvokeService) comes in through `call()`: same resolution, identity, retries and
 * transport, but one buffered exchange. When the app speaks gRPC, the callee side asks it through
 * AppCallbacks and answers the peer with the app's status in the internal `dapr-grpc-*` headers
 * (./translate), as it does for its own refusals, so a gRPC caller gets the exact status back.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { forwardableQuery, InvalidMethodError, methodToPath, normaliseMethod } from '../acl/normalize';
import type { AccessControlList } from '../acl/policy';
import type { AppCallbacks, AppInvoke, AppInvokeResult } from '../app-channel/types';
import { invokeErrors } from '../errors/invoke';
import type { DaprError } from '../errors/dapr-error';
import type { NameResolver } from '../nameresolution';
import { DEFAULT_NAMESPACE, type PeerIdentity } from '../security/peer-identity';
import type { AppChannel } from './app-channel';
import { createAppSide, describe, undeliverable } from './app-side';
import { createCallee } from './callee';
import { canResend, exchange } from './exchange';
import { callerGone, forward, type ForwardTarget } from './forward';
import { forwardWithPolicy, type Leg } from './policy-forward';
import { resendable, runCall, toAppWithPolicy } from './policy-calls';
import type { PolicyRunner } from '../resiliency/runner';
import { CALLEE_APP_ID, CALLER_APP_ID, CALLER_NAMESPACE, filterRequestHeaders } from './headers';
import type { InvokeTarget } from './method';
import { ensureTraceparent } from './trace';
import type { Resiliency } from '../resiliency/resiliency';
import { resultOf } from './translate';

export { describe };

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
  const { toApp, callOwnApp, own: ownApp } = createAppSide(d);
  const deliverFromPeer = createCallee(d, { toApp });

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

    deliverFromPeer,

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
}

