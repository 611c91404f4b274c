/**
 * @module api/grpc/registry
 * The Dapr service's handler table: every RPC of dapr.proto.runtime.v1.Dapr gets an implementation,
 * the handler a module registered for it or UNIMPLEMENTED (ERR_API_UNIMPLEMENTED's message). Each
 * handler is wrapped once by call.ts (token, deadline, trace, errors).
 */
import type { UntypedHandleCall, UntypedServiceImplementation, ServiceError } from '@grpc/grpc-js';
import { DaprError } from '../../errors/dapr-error';
import { wrapBidi, wrapUnary, type BidiHandler, type GrpcDeps, type HandlerModule, type UnaryHandler } from './call';
import { toServiceError } from './errors';
import { DAPR_SERVICE, serviceDefinition } from './proto';

export type { BidiHandler, GrpcCall, GrpcDeps, HandlerModule, UnaryHandler } from './call';

/** The error an RPC minidapr does not implement answers with. */
export function unimplemented(rpc: string): DaprError {
  return new DaprError('ERR_API_UNIMPLEMENTED', `method ${rpc} is not implemented`);
}

export class GrpcRegistry {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler types its own messages
  private readonly unary = new Map<string, UnaryHandler<any, any>>();
  private readonly bidi = new Map<string, BidiHandler>();

  constructor(
    private readonly deps: GrpcDeps,
    private readonly stopSignal?: AbortSignal,
  ) {}

  /** Adds a module's handlers; an RPC registered twice is a programming error. */
  add(mod: HandlerModule): void {
    for (const [rpc, h] of Object.entries(mod.unary ?? {})) {
      if (this.unary.has(rpc) || this.bidi.has(rpc)) throw new Error(`gRPC handler for ${rpc} registered twice`);
      this.unary.set(rpc, h);
    }
    for (const [rpc, h] of Object.entries(mod.bidi ?? {})) {
      if (this.unary.has(rpc) || this.bidi.has(rpc)) throw new Error(`gRPC handler for ${rpc} registered twice`);
      this.bidi.set(rpc, h);
    }
  }

  /** Every Dapr RPC: registered handlers wrapped by call.ts, the rest UNIMPLEMENTED. */
  implementation(): UntypedServiceImplementation {
    const impl: UntypedServiceImplementation = {};
    for (const [rpc, method] of Object.entries(serviceDefinition(DAPR_SERVICE))) {
      const u = this.unary.get(rpc);
      const b = this.bidi.get(rpc);
      if (u && !method.requestStream && !method.responseStream) impl[rpc] = wrapUnary(this.deps, rpc, u, this.stopSignal) as UntypedHandleCall;
      else if (b && method.requestStream && method.responseStream) impl[rpc] = wrapBidi(this.deps, rpc, b, this.stopSignal) as UntypedHandleCall;
      else if (u || b) throw new Error(`gRPC handler for ${rpc} does not match its streaming kind`);
      else impl[rpc] = this.unimplementedHandler(rpc, method.requestStream, method.responseStream);
    }
    for (const rpc of [...this.unary.keys(), ...this.bidi.keys()]) {
      if (!(rpc in impl)) throw new Error(`gRPC handler for ${rpc}: no such RPC in ${DAPR_SERVICE}`);
    }
    return impl;
  }

  private unimplementedHandler(rpc: string, requestStream: boolean, responseStream: boolean): UntypedHandleCall {
    if (!requestStream && !responseStream) {
      return wrapUnary(this.deps, rpc, async () => {
        throw unimplemented(rpc);
      }, this.stopSignal) as UntypedHandleCall;
    }
    if (requestStream && responseStream) {
      return wrapBidi(this.deps, rpc, async () => {
        throw unimplemented(rpc);
      }, this.stopSignal) as UntypedHandleCall;
    }
    const err: ServiceError = toServiceError(unimplemented(rpc));
    if (requestStream) {
      // client streaming: answer at once, ignore what the client sends
      return ((call: { resume(): void }, callback: (e: ServiceError) => void) => {
        call.resume();
        callback(err);
      }) as unknown as UntypedHandleCall;
    }
    return ((call: { emit(ev: 'error', e: ServiceError): void }) => call.emit('error', err)) as unknown as UntypedHandleCall;
  }
}
