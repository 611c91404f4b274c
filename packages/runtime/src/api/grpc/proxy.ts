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
 */
import {
  ChannelCredentials,
  Client,
  credentials,
  Metadata,
  status,
  type ClientDuplexStream,
  type ServerDuplexStream,
  type ServiceError,
  type StatusObject,
} from '@grpc/grpc-js';
import { authorize, spiffeId } from '../../acl/authorize';
import { InvalidMethodError, normaliseMethod } from '../../acl/normalize';
import { CALLEE_APP_ID, CALLER_APP_ID, CALLER_NAMESPACE, HOP_BY_HOP } from '../../invoke/headers';
import { splitAppId } from '../../invoke/method';
import type { RuntimeContext } from '../../lifecycle/context';
import { DEFAULT_NAMESPACE, DEFAULT_TRUST_DOMAIN, type PeerIdentity } from '../../security/peer-identity';
import { parseSpiffeId, spiffeIdFromSan, spiffeIdString } from '../../security/spiffe';
import { tokenDigest } from '../../security/token';
import { httpStatusFromGrpc } from '../../invoke/grpc-status';
import { ATTR, recordRetry } from '../../tracing/attributes';
import type { TraceSpan } from '../../tracing/span-record';
import { binaryFromTraceparent, checkToken, incomingTrace, type GrpcDeps } from './call';
import { relayWithPolicy } from './proxy-policy';
import type { ProxyHandler, ProxyHook } from './server';

export const APP_ID_KEY = 'dapr-app-id';
/** daprd's marker of a streaming call: resiliency then covers its start only (here: not at all). */
const STREAM_KEY = 'dapr-stream';
const API_TOKEN = 'dapr-api-token';

/** Request metadata that never crosses the proxy (HTTP/2 forbids connection headers; grpc-js sets its own). */
const STRIP_REQUEST = new Set([...HOP_BY_HOP, 'host', 'content-length', 'user-agent', 'grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'accept-encoding', 'content-type']);
/** Response header/trailer metadata grpc-js writes itself (passing a backend's on would lie about the encoding). */
const STRIP_RESPONSE = new Set([...HOP_BY_HOP, 'content-type', 'content-length', 'grpc-encoding', 'grpc-accept-encoding', 'accept-encoding', 'date', 'server', 'grpc-status', 'grpc-message']);

const identity = (b: Buffer): Buffer => b;

/** How a proxied call ended (unreached: UNAVAILABLE before the backend answered anything). */
type Done = (code: number, message?: string, unreached?: boolean) => void;

/** One proxied call's bookkeeping: its span (when tracing is on) and its end. */
interface CallScope {
  done: Done;
  /** Starts the span (SERVER when the call is for this sidecar's app, CLIENT when it goes to a peer, as daprd). */
  trace(kind: 'SERVER' | 'CLIENT'): void;
  /** The trace context the next hop gets, written into its metadata. */
  propagate(md: Metadata): void;
  /** A resiliency retry (recorded on the span). */
  retried(attempt: number, reason: unknown): void;
}

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

class ProxyRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly metadata?: Metadata,
  ) {
    super(message);
  }
}

function serviceError(code: number, details: string, metadata = new Metadata()): Partial<ServiceError> {
  return { code, details, message: details, metadata };
}

function firstString(md: Metadata, key: string): string | undefined {
  const v = md.get(key)[0];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** daprd: dapr-callee-app-id first, dapr-app-id as the fallback. */
function targetAppId(md: Metadata): string {
  const id = firstString(md, CALLEE_APP_ID) ?? firstString(md, APP_ID_KEY);
  if (!id) throw new ProxyRefusal(status.UNKNOWN, `failed to proxy request: required metadata ${CALLEE_APP_ID} or ${APP_ID_KEY} not found`);
  return id;
}

function cleanMetadata(md: Metadata | undefined, strip: ReadonlySet<string>): Metadata {
  const out = new Metadata();
  if (!md) return out;
  for (const [key, values] of Object.entries(md.toJSON())) {
    if (strip.has(key) || key.startsWith(':')) continue;
    for (const v of values) out.add(key, v);
  }
  return out;
}

/**
 * Pipes one proxied call: messages both ways with back-pressure, then the backend's status verbatim.
 * `abort` (a resiliency timeout): the backend call is cancelled and the client told nothing here.
 */
function relay(server: ServerDuplexStream<Buffer, Buffer>, client: Client, path: string, md: Metadata, onDone: Done, abort?: { signal: AbortSignal; aborted(reason: unknown): void }): void {
  const deadline = server.getDeadline();
  const options = deadline instanceof Date || (typeof deadline === 'number' && Number.isFinite(deadline)) ? { deadline } : {};
  const call: ClientDuplexStream<Buffer, Buffer> = client.makeBidiStreamRequest(path, identity, identity, md, options);
  let final: StatusObject | undefined;
  let answered = false;
  let drained = false;
  let done = false;
  const finish = () => {
    if (done || !final || !drained) return;
    done = true;
    const trailers = cleanMetadata(final.metadata, STRIP_RESPONSE);
    if (final.code === status.OK) server.end(trailers);
    else server.emit('error', serviceError(final.code, final.details, trailers));
    onDone(final.code, final.details, final.code === status.UNAVAILABLE && !answered);
  };
  server.on('data', (b: Buffer) => {
    if (!call.write(b)) server.pause();
  });
  call.on('drain', () => server.resume());
  server.on('end', () => call.end());
  server.on('cancelled', () => {
    call.cancel();
    if (!done) {
      done = true;
      onDone(status.CANCELLED, 'call cancelled');
    }
  });
  server.on('error', () => {});
  abort?.signal.addEventListener(
    'abort',
    () => {
      if (done) return;
      done = true;
      call.cancel();
      abort.aborted(abort.signal.reason);
    },
    { once: true },
  );
  call.on('metadata', (headers: Metadata) => {
    answered = true;
    server.sendMetadata(cleanMetadata(headers, STRIP_RESPONSE));
  });
  call.on('data', (b: Buffer) => {
    if (!server.write(b)) call.pause();
  });
  server.on('drain', () => call.resume());
  call.on('error', () => {}); // the status event carries it
  call.on('status', (s: StatusObject) => {
    final = s;
    finish();
  });
  call.on('end', () => {
    drained = true;
    finish();
  });
}

export function createGrpcProxy(ctx: RuntimeContext): GrpcProxy {
  const { options } = ctx;
  const channelOptions = {
    'grpc.max_receive_message_length': options.maxBodySize,
    'grpc.max_send_message_length': options.maxBodySize,
  };
  const clients = new Map<string, { client: Client; stamp: unknown }>();
  /** Channels replaced after a certificate renewal: streams on them may still run, closed at stop. */
  const retired: Client[] = [];
  const apiToken = options.apiToken ? tokenDigest(options.apiToken) : undefined;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const clientFor = (key: string, stamp: unknown, make: () => Client): Client => {
    const hit = clients.get(key);
    if (hit && hit.stamp === stamp) return hit.client;
    if (hit) retired.push(hit.client);
    const client = make();
    clients.set(key, { client, stamp });
    return client;
  };

  /** The app's own gRPC server (TLS without verification for grpcs, as daprd). */
  const appClient = (): Client => {
    if (!options.appPort) throw new ProxyRefusal(status.UNAVAILABLE, 'failed to proxy request: app channel is not initialized: the sidecar was started without --app-port');
    const secure = options.appProtocol === 'grpcs' || options.appProtocol === 'https';
    const target = `${bracket(options.appChannelAddress)}:${options.appPort}`;
    return clientFor(`app|${target}`, secure, () =>
      new Client(target, secure ? credentials.createSsl(null, null, null, { rejectUnauthorized: false }) : credentials.createInsecure(), channelOptions),
    );
  };

  /** The target sidecar's internal port: mTLS with the callee's SPIFFE ID checked, or h2c. */
  const peerClient = (host: string, port: number, appId: string, namespace: string): Client => {
    const target = `${bracket(host)}:${port}`;
    const mtls = ctx.mtls;
    if (!mtls) return clientFor(`peer|${target}`, undefined, () => new Client(target, credentials.createInsecure(), channelOptions));
    const cert = mtls.current();
    const trustDomain = parseSpiffeId(mtls.spiffeId)?.trustDomain ?? DEFAULT_TRUST_DOMAIN;
    const expected = spiffeIdString({ trustDomain, namespace, appId });
    return clientFor(`peer|${target}|${expected}`, cert, () => {
      const creds: ChannelCredentials = credentials.createSsl(Buffer.from(cert.trustAnchors), Buffer.from(cert.keyPem), Buffer.from(cert.certChainPem), {
        checkServerIdentity: (_host, peerCert) => {
          const got = spiffeIdFromSan(peerCert.subjectaltname);
          if (got && spiffeIdString(got) === expected) return undefined;
          return new Error(`the peer presented identity ${got ? spiffeIdString(got) : '(none)'}, expected ${expected}`);
        },
      });
      // SNI carries no meaning here (the callee is checked by its SPIFFE ID); never send an IP as SNI.
      return new Client(target, creds, { ...channelOptions, 'grpc.ssl_target_name_override': `${appId}.dapr` });
    });
  };

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
    relay(server, appClient(), path, md, scope.done);
  };

  const scopeOf = (server: ServerDuplexStream<Buffer, Buffer>, path: string, side: 'api' | 'peer'): CallScope => {
    const release = track();
    const started = process.hrtime.bigint();
    const userAgent = String(server.metadata.get('user-agent')[0] ?? '');
    let span: TraceSpan | undefined;
    const incoming = incomingTrace(server.metadata);
    return {
      trace(kind) {
        const tracing = ctx.deps.tracing;
        if (!tracing || span) return;
        span = tracing.start(path, kind, incoming.traceparent, incoming.tracestate);
        if (span.recording) {
          const [service = '', method = ''] = path.replace(/^\//, '').split('/');
          span.setAttributes({ [ATTR.daprProtocol]: 'grpc', [ATTR.daprApi]: path, 'rpc.system': 'grpc', [ATTR.rpcService]: service, 'rpc.method': method });
        }
      },
      propagate(md) {
        if (!span) return; // no tracing: the caller's context goes on as it came
        md.set('traceparent', span.traceparent);
        if (span.tracestate) md.set('tracestate', span.tracestate);
        else md.remove('tracestate');
        const bin = binaryFromTraceparent(span.traceparent);
        if (bin) md.set('grpc-trace-bin', bin);
        else md.remove('grpc-trace-bin');
      },
      retried(attempt, reason) {
        recordRetry(span, attempt, reason);
      },
      done(code, message) {
        release();
        if (span?.recording) span.setAttributes({ [ATTR.daprStatusCode]: String(code), 'rpc.grpc.status_code': code });
        span?.end(httpStatusFromGrpc(code), code === status.OK ? undefined : message);
        span = undefined;
        // API logging covers the API port only, as daprd's (its internal server has no API logger).
        if (side === 'api' && ctx.deps.apiLogging) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          ctx.logger.info({ method: path, code, duration: Math.round(ms * 1e3) / 1e3, useragent: userAgent }, 'gRPC API Called');
        }
      },
    };
  };

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
        return peerClient(addr.host, addr.port, target.appId, namespace ?? DEFAULT_NAMESPACE);
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
      for (const { client } of clients.values()) client.close();
      for (const client of retired.splice(0)) client.close();
      clients.clear();
    },
  };
}

/** Go's strconv.ParseBool truthy spellings (daprd's utils.IsTruthy also accepts y/yes/on). */
function isTruthy(v: string | undefined): boolean {
  return v !== undefined && ['1', 't', 'true', 'y', 'yes', 'on'].includes(v.toLowerCase());
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
