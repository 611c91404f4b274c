/**
 * @module app-channel/grpc-call
 * One unary call to a gRPC app (app-channel/grpc): the AppCallback, AppCallbackAlpha and
 * AppCallbackHealthCheck client constructors (built once), and a promise-shaped call that
 * resolves with the response plus the header and trailer metadata, honours an optional
 * deadline, and cancels on an abort signal.
 */
import { makeClientConstructor, Metadata, status, type CallOptions, type Client, type ServiceError } from '@grpc/grpc-js';
import { APP_CALLBACK, APP_CALLBACK_ALPHA, APP_CALLBACK_HEALTH, serviceDefinition } from '../api/grpc/proto';

type UnaryFn = (req: unknown, md: Metadata, opts: CallOptions, cb: (err: ServiceError | null, res: unknown) => void) => {
  cancel(): void;
  on(event: 'metadata', cb: (md: Metadata) => void): unknown;
  on(event: 'status', cb: (s: { metadata: Metadata }) => void): unknown;
};

export interface CallResult<Res> {
  response: Res;
  headers: Metadata;
  trailers: Metadata;
}

let constructors: { callback: typeof Client; alpha: typeof Client; health: typeof Client } | undefined;
export function clientConstructors() {
  constructors ??= {
    callback: makeClientConstructor(serviceDefinition(APP_CALLBACK), 'AppCallback') as unknown as typeof Client,
    alpha: makeClientConstructor(serviceDefinition(APP_CALLBACK_ALPHA), 'AppCallbackAlpha') as unknown as typeof Client,
    health: makeClientConstructor(serviceDefinition(APP_CALLBACK_HEALTH), 'AppCallbackHealthCheck') as unknown as typeof Client,
  };
  return constructors;
}

function cancelledError(): ServiceError {
  return Object.assign(new Error(`${status.CANCELLED} CANCELLED: the call was cancelled`), { code: status.CANCELLED, details: 'the call was cancelled', metadata: new Metadata() });
}

/** Calls `rpc` on `client`; rejects with the ServiceError (CANCELLED when the signal aborts). */
export function unaryCall<Res>(client: Client, rpc: string, req: unknown, md: Metadata, o: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CallResult<Res>> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) {
      reject(cancelledError());
      return;
    }
    const opts: CallOptions = {};
    if (o.timeoutMs !== undefined) opts.deadline = Date.now() + o.timeoutMs;
    let headers = new Metadata();
    let trailers = new Metadata();
    const fn = (client as unknown as Record<string, UnaryFn>)[rpc] as UnaryFn;
    const onAbort = (): void => call.cancel();
    const call = fn.call(client, req, md, opts, (err, res) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      // grpc-js emits 'status' (the trailers) right after this callback returns.
      else queueMicrotask(() => resolve({ response: res as Res, headers, trailers }));
    });
    call.on('metadata', (m: Metadata) => (headers = m));
    call.on('status', (s: { metadata: Metadata }) => (trailers = s.metadata));
    o.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
