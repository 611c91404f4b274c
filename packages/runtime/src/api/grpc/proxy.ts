/**
 * @module api/grpc/proxy
 * Dapr's gRPC proxying (daprd pkg/messaging/grpc_proxy.go + pkg/api/grpc/proxy/handler.go): a
 * gRPC call to a service the sidecar does not serve, carrying `dapr-app-id` (or
 * `dapr-callee-app-id`, which wins), is relayed untouched to that app's own gRPC server.
 *
 * Caller sidecar (the API port's proxy hook): API token, then the app id. Our own id → straight
 * to the app; another id → name resolution, then an HTTP/2 stream to the target sidecar's
 * internal port (TLS with ALPN h2 and the callee's SPIFFE ID checked when mTLS is on, h2c
 * otherwise). Callee sidecar (the internal port's HTTP/2 side, server/h2-peer.ts): the peer gate
 * (verified certificate, or the API token without mTLS), the access-control policy on the
 * normalised method, then the stream to the app. Every call is a bidi stream of opaque messages
 * (unary and every streaming kind are the same thing on the wire); request metadata goes on minus
 * hop and Dapr control headers, with `dapr-caller-app-id`/`dapr-callee-app-id` set by the sidecar;
 * the deadline and cancellation follow the call; response headers, messages, status, message and
 * trailers (grpc-status-details-bin included) come back verbatim. With tracing on, each sidecar
 * records a span named by the gRPC path (CLIENT on the caller, SERVER where the app is, as daprd's
 * stream interceptor) and hands its context on (traceparent, tracestate, grpc-trace-bin).
 *
 * Errors as daprd answers them: no app id → UNKNOWN "failed to proxy request: required metadata
 * dapr-callee-app-id or dapr-app-id not found"; an app id name resolution does not know → UNKNOWN
 * (daprd returns the resolver's plain error); a sidecar or app that does not answer → UNAVAILABLE
 * (grpc-js, as grpc-go); access-control denial → PERMISSION_DENIED "access control policy has
 * denied access to id: <spiffe id> operation: <method> verb: NONE"; a method that does not
 * normalise → INVALID_ARGUMENT "invalid method: <why>".
 *
 * This file holds the two hooks and the gates; the relay and metadata rules are in proxy-relay,
 * the outbound channels in proxy-channels, a call's span and log line in proxy-scope, and the
 * resiliency-wrapped relay in proxy-policy.
 */
import { Client, status, type ServerDuplexStream } from '@grpc/grpc-js';
import { authorize, spiffeId } from '../../acl/authorize';
import { InvalidMethodError, normaliseMethod } from '../../acl/normalize';
import { CALLEE_APP_ID, CALLER_APP_ID, CALLER_NAMESPACE } from '../../invoke/headers';
import { splitAppId } from '../../invoke/method';
import type { RuntimeContext } from '../../lifecycle/context';
import { DEFAULT_NAMESPACE, DEFAULT_TRUST_DOMAIN, type PeerIdentity } from '../../security/peer-identity';
import { spiffeIdFromSan } from '../../security/spiffe';
import { tokenDigest } from '../../security/token';
import { checkToken, type GrpcDeps } from './call';
import { createProxyChannels } from './proxy-channels';
import { relayWithPolicy } from './proxy-policy';
import { APP_ID_KEY, cleanMetadata, firstString, identity, ProxyRefusal, relay, serviceError, STRIP_REQUEST, STRIP_RESPONSE, targetAppId } from './proxy-relay';
import { createCallScope, type CallScope } from './proxy-scope';
import type { ProxyHandler, ProxyHook } from './server';

export { APP_ID_KEY } from './proxy-relay';
/** daprd's marker of a streaming call: resiliency then covers its start only (here: not at all). */
const STREAM_KEY = 'dapr-stream';
const API_TOKEN = 'dapr-api-token';

export interface GrpcProxy {
  /** The Dapr API server's hook (caller side and own app id). */
  readonly api: ProxyHook;
  /** The internal port's HTTP/2 hook (callee side). */
  readonly peer: ProxyHook;
  /** Waits up to graceMs for calls in flight, then closes every outbound channel. */
  close(graceMs: number): Promise<void>;
}

const proxies = new WeakMap<RuntimeContext, GrpcProxy>();

/** The Dapr API server's proxy hook (lifecycle/grpc.ts). */
export function createProxyHook(deps: GrpcDeps): ProxyHook | undefined {
  return grpcProxyOf(deps.ctx).api;
}

/** The one proxy of a runtime (the API server and the internal port share its channels). */
export function grpcProxyOf(ctx: RuntimeContext): GrpcProxy {
  let p = proxies.get(ctx);
  if (!p) {
    p = createGrpcProxy(ctx);
    proxies.set(ctx, p);
  }
  return p;
}

export function createGrpcProxy(ctx: RuntimeContext): GrpcProxy {
  const { options } = ctx;
  const channels = createProxyChannels(ctx);
  const apiToken = options.apiToken ? tokenDigest(options.apiToken) : undefined;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const track = (): (() => void) => {
    inFlight++;
    let once = false;
    return () => {
      if (once) return;
      once = true;
      inFlight--;
      if (inFlight === 0) idle?.();
    };
  };

  /** To this sidecar's app: ACL (daprd applies it on the local leg), token swap, caller identity. */
  const toApp = (server: ServerDuplexStream<Buffer, Buffer>, path: string, caller: PeerIdentity | undefined, scope: CallScope) => {
    scope.trace('SERVER');
    let method: string;
    try {
      method = normaliseMethod(path);
    } catch (err) {
      if (err instanceof InvalidMethodError) throw new ProxyRefusal(status.INVALID_ARGUMENT, `invalid method: ${err.message}`);
      throw err;
    }
    // daprd judges proxied calls as gRPC operations (isHTTP false, verb NONE): the operation's own action decides.
    const acl = ctx.accessControl && { ...ctx.accessControl, httpApp: false };
    if (!authorize(acl, caller, method, 'NONE').allowed) {
      throw new ProxyRefusal(status.PERMISSION_DENIED, `access control policy has denied access to id: ${spiffeId(caller)} operation: ${path} verb: NONE`);
    }
    const md = cleanMetadata(server.metadata, STRIP_REQUEST);
    md.remove(APP_ID_KEY);
    md.remove(API_TOKEN);
    if (options.appApiToken) md.set(API_TOKEN, options.appApiToken);
    // The app sees the identity the decision rested on (for a call to the own app id: this app, as
    // HTTP self-invocation), never one a client wrote into its metadata.
    md.set(CALLER_APP_ID, caller ? caller.appId : options.appId);
    md.set(CALLEE_APP_ID, options.appId);
    scope.propagate(md);
    relay(server, channels.app(), path, md, scope.done);
  };
  const scopeOf = (server: ServerDuplexStream<Buffer, Buffer>, path: string, side: 'api' | 'peer'): CallScope => createCallScope(ctx, server, path, side, track());

  const guarded = (path: string, side: 'api' | 'peer', run: (server: ServerDuplexStream<Buffer, Buffer>, scope: CallScope) => Promise<void> | void): ProxyHandler => ({
    type: 'bidi',
    path,
    serialize: identity,
    deserialize: identity,
    func: (server) => {
      const scope = scopeOf(server, path, side);
      server.on('error', () => {});
      Promise.resolve()
        .then(() => run(server, scope))
        .catch((err: unknown) => {
          const refusal =
            err instanceof ProxyRefusal ? err : new ProxyRefusal(status.INTERNAL, `failed to proxy request: ${err instanceof Error ? err.message : String(err)}`);
          scope.done(refusal.code, refusal.message);
          if (!server.cancelled) server.emit('error', serviceError(refusal.code, refusal.message, refusal.metadata));
        });
    },
  });

  const api: ProxyHook = (path) =>
    guarded(path, 'api', async (server, scope) => {
      const denied = checkToken(apiToken, server.metadata);
      if (denied) throw new ProxyRefusal(denied.code, denied.details, denied.metadata);
      const raw = targetAppId(server.metadata);
      const target = splitAppId(raw) ?? { appId: raw };
      const namespace = target.namespace ?? options.namespace;
      if (target.appId === options.appId && (namespace ?? '') === (options.namespace ?? '')) {
        // No peer: nobody to identify, so the policy's global default decides (daprd: no SPIFFE ID in the context).
        toApp(server, path, undefined, scope);
        return;
      }
      scope.trace('CLIENT');
      const md = cleanMetadata(server.metadata, STRIP_REQUEST);
      md.remove(APP_ID_KEY);
      md.remove(API_TOKEN);
      md.set(CALLER_APP_ID, options.appId);
      md.set(CALLEE_APP_ID, target.appId);
      if (options.namespace) md.set(CALLER_NAMESPACE, options.namespace);
      else md.remove(CALLER_NAMESPACE);
      if (!ctx.mtls && options.apiToken) md.set(API_TOKEN, options.apiToken);
      scope.propagate(md);
      const peerOf = async (): Promise<Client> => {
        let addr: { host: string; port: number } | undefined;
        try {
          addr = await ctx.resolver.resolve(target.appId, namespace);
        } catch (err) {
          throw new ProxyRefusal(status.UNKNOWN, `failed to proxy request: name resolution failed for ${raw}: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (!addr) throw new ProxyRefusal(status.UNKNOWN, `failed to proxy request: app id ${raw} not found: no running sidecar has registered it`);
        return channels.peer(addr.host, addr.port, target.appId, namespace ?? DEFAULT_NAMESPACE);
      };
      // daprd: the target's user policy (no built-in retries on this path), its breaker kept per
      // app and full method name; a `dapr-stream` call goes as it comes.
      const resiliency = ctx.resiliency;
      const runner = resiliency?.targetsApp(raw) && !isTruthy(firstString(server.metadata, STREAM_KEY)) ? resiliency.endpoint(raw, path) : undefined;
      if (runner && !runner.noop) {
        await relayWithPolicy({
          server,
          path,
          runner,
          leg: async (afterFailure) => {
            if (afterFailure) ctx.resolver.invalidate(target.appId);
            return { client: await peerOf(), md: md.clone() };
          },
          live: (client, attemptMd, signal) =>
            new Promise((resolve, reject) => relay(server, client, path, attemptMd, (code, details = '', unreached = false) => resolve({ code, details, unreached }), { signal, aborted: reject })),
          clean: (m) => cleanMetadata(m, STRIP_RESPONSE),
          done: (code, message, unreached) => {
            if (unreached) ctx.resolver.invalidate(target.appId);
            scope.done(code, message);
          },
          onRetry: (attempt, reason) => scope.retried(attempt, reason),
        });
        return;
      }
      const client = await peerOf();
      if (server.cancelled) {
        scope.done(status.CANCELLED, 'call cancelled');
        return;
      }
      relay(server, client, path, md, (code, message, unreached) => {
        // The registry may point at a sidecar that is gone or moved: the next call resolves afresh.
        if (unreached) ctx.resolver.invalidate(target.appId);
        scope.done(code, message);
      });
    });

  const peer: ProxyHook = (path) =>
    guarded(path, 'peer', (server, scope) => {
      let caller: PeerIdentity;
      if (ctx.mtls) {
        const cert = server.getAuthContext().sslPeerCertificate;
        const id = spiffeIdFromSan(cert?.subjectaltname);
        if (!id) throw new ProxyRefusal(status.PERMISSION_DENIED, "failed to proxy request: the calling sidecar's certificate carries no SPIFFE ID");
        caller = { ...id, verified: true };
      } else {
        const denied = checkToken(apiToken, server.metadata);
        if (denied) throw new ProxyRefusal(denied.code, denied.details, denied.metadata);
        caller = {
          appId: firstString(server.metadata, CALLER_APP_ID) ?? '',
          namespace: firstString(server.metadata, CALLER_NAMESPACE) ?? DEFAULT_NAMESPACE,
          trustDomain: DEFAULT_TRUST_DOMAIN,
          verified: false,
        };
      }
      const callee = targetAppId(server.metadata);
      if (callee !== options.appId) throw new ProxyRefusal(status.UNKNOWN, `failed to proxy request: this sidecar serves app ${options.appId}, not ${callee}`);
      toApp(server, path, caller, scope);
    });

  return {
    api,
    peer,
    async close(graceMs) {
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          timer.unref();
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      channels.closeAll();
    },
  };
}

/** Go's strconv.ParseBool truthy spellings (daprd's utils.IsTruthy also accepts y/yes/on). */
function isTruthy(v: string | undefined): boolean {
  return v !== undefined && ['1', 't', 'true', 'y', 'yes', 'on'].includes(v.toLowerCase());
}
