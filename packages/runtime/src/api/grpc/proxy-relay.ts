/**
 * @module api/grpc/proxy-relay
 * The wire side of gRPC proxying (api/grpc/proxy): metadata cleaning on each leg, the refusal a
 * proxied call ends with, and the relay that pipes one call to a backend as opaque messages both
 * ways, with the backend's status, message and trailers passed back verbatim.
 */
import { Metadata, status, type Client, type ClientDuplexStream, type ServerDuplexStream, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { CALLEE_APP_ID, HOP_BY_HOP } from '../../invoke/headers';

export const APP_ID_KEY = 'dapr-app-id';

/** Request metadata that never crosses the proxy (HTTP/2 forbids connection headers; grpc-js sets its own). */
export const STRIP_REQUEST = new Set([...HOP_BY_HOP, 'host', 'content-length', 'user-agent', 'grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'accept-encoding', 'content-type']);
/** Response header/trailer metadata grpc-js writes itself (passing a backend's on would lie about the encoding). */
export const STRIP_RESPONSE = new Set([...HOP_BY_HOP, 'content-type', 'content-length', 'grpc-encoding', 'grpc-accept-encoding', 'accept-encoding', 'date', 'server', 'grpc-status', 'grpc-message']);

export const identity = (b: Buffer): Buffer => b;

/** How a proxied call ended (unreached: UNAVAILABLE before the backend answered anything). */
export type Done = (code: number, message?: string, unreached?: boolean) => void;

export class ProxyRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly metadata?: Metadata,
  ) {
    super(message);
  }
}

export function serviceError(code: number, details: string, metadata = new Metadata()): Partial<ServiceError> {
  return { code, details, message: details, metadata };
}

export function firstString(md: Metadata, key: string): string | undefined {
  const v = md.get(key)[0];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** daprd: dapr-callee-app-id first, dapr-app-id as the fallback. */
export function targetAppId(md: Metadata): string {
  const id = firstString(md, CALLEE_APP_ID) ?? firstString(md, APP_ID_KEY);
  if (!id) throw new ProxyRefusal(status.UNKNOWN, `failed to proxy request: required metadata ${CALLEE_APP_ID} or ${APP_ID_KEY} not found`);
  return id;
}

export function cleanMetadata(md: Metadata | undefined, strip: ReadonlySet<string>): Metadata {
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
export function relay(server: ServerDuplexStream<Buffer, Buffer>, client: Client, path: string, md: Metadata, onDone: Done, abort?: { signal: AbortSignal; aborted(reason: unknown): void }): void {
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
