/**
 * @module lifecycle/grpc
 * The Dapr gRPC API listener (--dapr-grpc-port, on every --dapr-listen-addresses address). It
 * serves GetMetadata from the moment it listens (the SDK client polls it in start()). Stopping:
 * no new calls, in-flight ones get the grace period (then are cut), handed to ctx.drain().
 */
import { universalOf } from '../api/http/context';
import type { GrpcDeps } from '../api/grpc/call';
import { createProxyHook } from '../api/grpc/proxy';
import { createGrpcServer, type GrpcServerHandle } from '../api/grpc/server';
import { StreamingSubscriptions } from '../pubsub/streaming';
import type { LifecyclePart, RuntimeContext } from './context';

/** The gRPC handlers' dependencies, from the runtime context. */
export function grpcDepsOf(ctx: RuntimeContext): GrpcDeps {
  return {
    ctx,
    universal: () => universalOf(ctx.deps),
    tracing: () => ctx.deps.tracing,
    streaming: ctx.streaming,
  };
}

const handles = new WeakMap<RuntimeContext, GrpcServerHandle>();

export const grpcServerPart: LifecyclePart = {
  name: 'gRPC API server',
  async start(ctx) {
    ctx.streaming ??= new StreamingSubscriptions({
      store: ctx.store,
      logger: ctx.logger,
      metadata: ctx.metadata,
      tracing: () => ctx.deps.tracing,
      isStopping: () => ctx.signal.aborted,
      resiliency: () => ctx.resiliency,
    });
    const deps = grpcDepsOf(ctx);
    const handle = await createGrpcServer(deps, createProxyHook(deps));
    handles.set(ctx, handle);
    ctx.ports.grpc = handle.port;
    ctx.logger.info(`gRPC API listening on port ${handle.port}`);
  },
  stop(ctx) {
    const handle = handles.get(ctx);
    handles.delete(ctx);
    if (handle) ctx.drain(handle.tryShutdown(ctx.graceMs));
    if (ctx.streaming) ctx.drain(ctx.streaming.stop(ctx.graceMs));
  },
};

