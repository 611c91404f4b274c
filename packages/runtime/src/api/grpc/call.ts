/**
 * @module api/grpc/call
 * What every Dapr gRPC call goes through, once, so no handler does it: the API token, the
 * deadline/cancellation as an AbortSignal, the trace context (grpc-trace-bin or traceparent) and
 * the API span, the response's trace metadata, API logging, and toServiceError on a throw.
 */
import { Metadata, status, type sendUnaryData, type ServerDuplexStream, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import type { RuntimeContext } from '../../lifecycle/context';
import { errorFromHttpStatus, httpStatusFromGrpc } from '../../invoke/grpc-status';
import { ensureTraceparent } from '../../invoke/trace';
import type { StreamingSubscriptions } from '../../pubsub/streaming';
import { tokenDigest, tokenMatches } from '../../security/token';
import { ATTR } from '../../tracing/attributes';
import type { TraceSpan, Tracing } from '../../tracing/tracer';
import type { UniversalContext } from '../universal/context';
import { toServiceError } from './errors';
import { DAPR_SERVICE } from './proto';

export interface GrpcDeps {
  ctx: RuntimeContext;
  /** The same builder the HTTP adapters use. */
  universal(): UniversalContext;
  tracing(): Tracing | undefined;
  /** Streaming subscriptions (P5; undefined until wired). */
  streaming?: StreamingSubscriptions;
}

export interface GrpcCall<Req> {
  request: Req;
  /** Incoming metadata; dapr-api-token already removed. */
  metadata: Metadata;
  /** Aborts on cancel / deadline / sidecar stop. */
  signal: AbortSignal;
  /** Epoch ms from grpc-timeout. */
  deadline?: number;
  /** From grpc-trace-bin or traceparent (always present: a new trace when none came in). */
  trace: { traceparent: string; tracestate?: string };
  peer: string;
  /**
   * Response header metadata a unary handler may add to (InvokeService: the app's headers,
   * dapr-http-status); sent with the answer, after the trace context call.ts puts there. For a
   * bidi handler it has already been sent when the handler starts.
   */
  responseMetadata: Metadata;
  /** The call's API span when it is sampled (InvokeService records its retries there). */
  span?: TraceSpan;
}

export type UnaryHandler<Req, Res> = (deps: GrpcDeps, call: GrpcCall<Req>) => Promise<Res>;
/** The handler owns the stream (its message shapes are the handler's own, typed in its file). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler types its own messages
export type BidiHandler = (deps: GrpcDeps, stream: ServerDuplexStream<any, any>, call: Omit<GrpcCall<never>, 'request'>) => Promise<void>;

/** What each handler file exports as `handlers`. */
export interface HandlerModule {
  /** Key = RPC name as in dapr.proto ('GetState'). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler types its own messages
  unary?: Record<string, UnaryHandler<any, any>>;
  bidi?: Record<string, BidiHandler>;
}

const MISSING_TOKEN = 'missing api token in request metadata';
const WRONG_TOKEN = 'authentication error: api token mismatch';

/** UNAUTHENTICATED as daprd sends it, or undefined when the token is fine (or none is required). */
export function checkToken(expected: Buffer | undefined, metadata: Metadata): ServiceError | undefined {
  const got = metadata.get('dapr-api-token');
  metadata.remove('dapr-api-token');
  if (!expected) return undefined;
  if (got.length === 0) return errorFromHttpStatus(401, MISSING_TOKEN);
  const value = got[0];
  if (typeof value !== 'string' || !tokenMatches(expected, value)) return errorFromHttpStatus(401, WRONG_TOKEN);
  return undefined;
}

/** grpc-trace-bin (OpenCensus binary: version 0, field 0 trace id, field 1 span id, field 2 options) → traceparent. */
export function traceparentFromBinary(b: Buffer): string | undefined {
  if (b.length < 29 || b[0] !== 0 || b[1] !== 0 || b[18] !== 1 || b[27] !== 2) return undefined;
  const traceId = b.toString('hex', 2, 18);
  const spanId = b.toString('hex', 19, 27);
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return `00-${traceId}-${spanId}-0${(b[28] as number) & 1}`;
}

export function binaryFromTraceparent(traceparent: string): Buffer | undefined {
  const m = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent);
  if (!m) return undefined;
  const b = Buffer.alloc(29);
  b[0] = 0;
  b[1] = 0;
  b.write(m[1] as string, 2, 'hex');
  b[18] = 1;
  b.write(m[2] as string, 19, 'hex');
  b[27] = 2;
  b[28] = parseInt(m[3] as string, 16) & 1;
  return b;
}

/** The incoming trace context: W3C `traceparent` metadata wins over grpc-trace-bin. */
export function incomingTrace(metadata: Metadata): { traceparent?: string; tracestate?: string } {
  const tp = metadata.get('traceparent')[0];
  const ts = metadata.get('tracestate')[0];
  if (typeof tp === 'string' && tp) return { traceparent: tp, tracestate: typeof ts === 'string' && ts ? ts : undefined };
  const bin = metadata.get('grpc-trace-bin')[0];
  if (Buffer.isBuffer(bin)) return { traceparent: traceparentFromBinary(bin) };
  return {};
}

function traceMetadata(trace: { traceparent: string; tracestate?: string }): Metadata {
  const md = new Metadata();
  md.set('traceparent', trace.traceparent);
  if (trace.tracestate) md.set('tracestate', trace.tracestate);
  const bin = binaryFromTraceparent(trace.traceparent);
  if (bin) md.set('grpc-trace-bin', bin);
  return md;
}

type Common = Omit<GrpcCall<never>, 'request'>;

type AnyCall = ServerUnaryCall<unknown, unknown> | ServerDuplexStream<unknown, unknown>;

/** The per-call wrapper state shared by unary and bidi calls. */
class CallScope {
  readonly started = process.hrtime.bigint();
  readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private unlisten?: () => void;
  span?: TraceSpan;
  common!: Common;

  constructor(
    readonly deps: GrpcDeps,
    readonly rpc: string,
    readonly call: AnyCall,
    stopSignal: AbortSignal | undefined,
  ) {
    const abort = (reason: string) => {
      if (!this.controller.signal.aborted) this.controller.abort(new Error(reason));
    };
    call.once('cancelled', () => abort('call cancelled'));
    if (stopSignal) {
      if (stopSignal.aborted) abort('sidecar stopping');
      else {
        const onStop = () => abort('sidecar stopping');
        stopSignal.addEventListener('abort', onStop, { once: true });
        this.unlisten = () => stopSignal.removeEventListener('abort', onStop);
      }
    }
    const d = call.getDeadline();
    const deadline = d instanceof Date ? d.getTime() : Number.isFinite(d) ? d : undefined;
    if (deadline !== undefined) {
      this.timer = setTimeout(() => abort('deadline exceeded'), Math.max(0, deadline - Date.now()));
      this.timer.unref();
    }
    this.common = { metadata: call.metadata, signal: this.controller.signal, deadline, trace: { traceparent: '' }, peer: call.getPeer(), responseMetadata: new Metadata() };
  }

  /** Token + trace; an error to send instead of running the handler, or undefined. */
  begin(token: Buffer | undefined): ServiceError | undefined {
    const denied = checkToken(token, this.call.metadata);
    const incoming = incomingTrace(this.call.metadata);
    const tracing = this.deps.tracing();
    if (tracing) {
      const name = `/${DAPR_SERVICE}/${this.rpc}`;
      this.span = tracing.start(name, 'SERVER', incoming.traceparent, incoming.tracestate);
      if (this.span.recording) {
        this.span.setAttributes({ [ATTR.daprProtocol]: 'grpc', [ATTR.daprApi]: name, 'rpc.system': 'grpc', [ATTR.rpcService]: DAPR_SERVICE, 'rpc.method': this.rpc });
      }
      this.common.trace = { traceparent: this.span.traceparent, tracestate: this.span.tracestate };
      if (this.span.recording) this.common.span = this.span;
    } else {
      this.common.trace = { traceparent: ensureTraceparent(incoming.traceparent), tracestate: incoming.tracestate };
    }
    this.common.responseMetadata = traceMetadata(this.common.trace);
    return denied;
  }

  end(code: number, message?: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.unlisten?.();
    if (this.span?.recording) {
      this.span.setAttributes({ [ATTR.daprStatusCode]: String(code), 'rpc.grpc.status_code': code });
      this.span.end(httpStatusFromGrpc(code), code === status.OK ? undefined : message);
    }
    const { ctx } = this.deps;
    if (ctx.deps.apiLogging) {
      const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
      ctx.logger.info({ method: `/${DAPR_SERVICE}/${this.rpc}`, code, duration: Math.round(seconds * 1e6) / 1e3, useragent: String(this.call.metadata.get('user-agent')[0] ?? '') }, 'gRPC API Called');
    }
  }
}

const digests = new WeakMap<GrpcDeps, Buffer | null>();

function tokenOf(deps: GrpcDeps): Buffer | undefined {
  let d = digests.get(deps);
  if (d === undefined) {
    const token = deps.ctx.options.apiToken;
    d = token ? tokenDigest(token) : null;
    digests.set(deps, d);
  }
  return d ?? undefined;
}

function logUnexpected(deps: GrpcDeps, rpc: string, err: unknown, se: ServiceError): void {
  if (se.code === status.INTERNAL || se.code === status.UNKNOWN) deps.ctx.logger.debug({ err }, `gRPC ${rpc} failed`);
}

/** grpc-js unary implementation of one handler. */
export function wrapUnary<Req, Res>(deps: GrpcDeps, rpc: string, handler: UnaryHandler<Req, Res>, stopSignal?: AbortSignal) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    const scope = new CallScope(deps, rpc, call as AnyCall, stopSignal);
    const denied = scope.begin(tokenOf(deps));
    if (denied) {
      scope.end(denied.code, denied.message);
      callback(denied);
      return;
    }
    let p: Promise<Res>;
    try {
      p = handler(deps, { ...scope.common, request: call.request });
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (res) => {
        scope.end(status.OK);
        call.sendMetadata(scope.common.responseMetadata);
        callback(null, res);
      },
      (err: unknown) => {
        const se = toServiceError(err);
        logUnexpected(deps, rpc, err, se);
        scope.end(se.code, se.message);
        callback(se);
      },
    );
  };
}

/** grpc-js bidi implementation of one handler: the handler owns the stream; a throw ends it with the error. */
export function wrapBidi(deps: GrpcDeps, rpc: string, handler: BidiHandler, stopSignal?: AbortSignal) {
  return (stream: ServerDuplexStream<unknown, unknown>): void => {
    const scope = new CallScope(deps, rpc, stream, stopSignal);
    const denied = scope.begin(tokenOf(deps));
    if (denied) {
      scope.end(denied.code, denied.message);
      stream.emit('error', denied);
      return;
    }
    stream.sendMetadata(scope.common.responseMetadata);
    let p: Promise<void>;
    try {
      p = handler(deps, stream, scope.common);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      () => {
        scope.end(status.OK);
        if (!stream.writableEnded) stream.end();
      },
      (err: unknown) => {
        const se = toServiceError(err);
        logUnexpected(deps, rpc, err, se);
        scope.end(se.code, se.message);
        if (!stream.destroyed) stream.emit('error', se);
      },
    );
  };
}
