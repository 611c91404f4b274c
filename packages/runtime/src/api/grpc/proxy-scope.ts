/**
 * @module api/grpc/proxy-scope
 * One proxied gRPC call's bookkeeping (api/grpc/proxy): its span when tracing is on (named by the
 * gRPC path, SERVER where the app is and CLIENT on the caller, as daprd's stream interceptor), the
 * trace context handed to the next hop (traceparent, tracestate, grpc-trace-bin), retries recorded
 * on the span, and at the end the span's status and the API log line (API port only).
 */
import { status, type Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import { httpStatusFromGrpc } from '../../invoke/grpc-status';
import type { RuntimeContext } from '../../lifecycle/context';
import { ATTR, recordRetry } from '../../tracing/attributes';
import type { TraceSpan } from '../../tracing/span-record';
import { binaryFromTraceparent, incomingTrace } from './call';
import type { Done } from './proxy-relay';

/** One proxied call's bookkeeping: its span (when tracing is on) and its end. */
export interface CallScope {
  done: Done;
  /** Starts the span (SERVER when the call is for this sidecar's app, CLIENT when it goes to a peer, as daprd). */
  trace(kind: 'SERVER' | 'CLIENT'): void;
  /** The trace context the next hop gets, written into its metadata. */
  propagate(md: Metadata): void;
  /** A resiliency retry (recorded on the span). */
  retried(attempt: number, reason: unknown): void;
}

/** The scope of one call on `side`; `release` runs once when it ends (the proxy's in-flight count). */
export function createCallScope(ctx: RuntimeContext, server: ServerDuplexStream<Buffer, Buffer>, path: string, side: 'api' | 'peer', release: () => void): CallScope {
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
}
