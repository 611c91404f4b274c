/**
 * @module test/support/grpc-proxy
 * The gRPC proxying scenarios' fixture (test/integration/grpc-proxy*): an app serving its own
 * gRPC service (acme.echo.Echo and acme.echo.locked, from an inline .proto) that records what it
 * saw, and grpc-js helpers to call it through a sidecar with `dapr-app-id` (unary with headers
 * and trailers, server, client and bidi streaming).
 */
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  Server,
  ServerCredentials,
  status,
  type CallOptions,
  type Client,
  type ClientDuplexStream,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ClientWritableStream,
  type Deadline,
  type GrpcObject,
  type requestCallback,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { tempDir } from '@minidapr/testkit';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_APP_PROTOCOLS } from '../../src/option-flags';
import { encodeStatus, errorInfo } from '../../src/api/grpc/status';

export const PROTO = `syntax = "proto3";
package acme.echo;
message Msg { string text = 1; int32 n = 2; }
service Echo {
  rpc Unary(Msg) returns (Msg);
  rpc ServerStream(Msg) returns (stream Msg);
  rpc ClientStream(stream Msg) returns (Msg);
  rpc Bidi(stream Msg) returns (stream Msg);
  rpc Slow(Msg) returns (Msg);
  rpc Fail(Msg) returns (Msg);
}
service locked {
  rpc get(Msg) returns (Msg);
}
`;

export interface Msg {
  text: string;
  n: number;
}
export type UnaryName = 'Unary' | 'Slow' | 'Fail' | 'get';
type UnaryMethod = (req: Partial<Msg>, md: Metadata, options: CallOptions, cb: requestCallback<Msg>) => ClientUnaryCall;
/** The generated client's methods (acme.echo.locked's client has only `get`). */
export type EchoClient = Client &
  Record<UnaryName, UnaryMethod> & {
    ServerStream(req: Partial<Msg>, md: Metadata): ClientReadableStream<Msg>;
    ClientStream(md: Metadata, cb: requestCallback<Msg>): ClientWritableStream<Msg>;
    Bidi(md: Metadata): ClientDuplexStream<Msg, Msg>;
  };

/** Holds the inline .proto; each scenario file removes it when done. */
export const protoDir = tempDir('minidapr-grpc-proxy-');
writeFileSync(join(protoDir.path, 'echo.proto'), PROTO);
const pkg = loadPackageDefinition(loadSync(join(protoDir.path, 'echo.proto'), { keepCase: true, longs: Number, defaults: true }));
const echoPkg = (pkg.acme as GrpcObject).echo as GrpcObject;
export const Echo = echoPkg.Echo as ServiceClientConstructor;
// All lower case, so the policy matches whether the callee's ACL was compiled for an HTTP or a gRPC app.
export const Locked = echoPkg.locked as ServiceClientConstructor;
export const client = (ctor: ServiceClientConstructor, port: number, creds = credentials.createInsecure()): EchoClient => new ctor(`127.0.0.1:${port}`, creds) as unknown as EchoClient;

/** The app side: what it saw, for the assertions. */
export const seen = { slow: new Set<string>(), cancelled: [] as string[], deadlines: [] as Array<number | undefined>, metadata: [] as Record<string, unknown>[] };

function picked(md: Metadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['dapr-app-id', 'dapr-caller-app-id', 'dapr-callee-app-id', 'dapr-api-token', 'x-custom', 'x-bin-bin', 'traceparent']) {
    const v = md.get(k);
    if (v.length) out[k] = v.length === 1 ? (Buffer.isBuffer(v[0]) ? (v[0] as Buffer).toString('hex') : v[0]) : v;
  }
  return out;
}

function deadlineOf(call: { getDeadline(): Deadline }): number | undefined {
  const d = call.getDeadline();
  return d instanceof Date ? d.getTime() : Number.isFinite(d) ? d : undefined;
}

export async function startEchoApp(tag: string): Promise<{ port: number; stop(): Promise<void> }> {
  const server = new Server();
  server.addService(Echo.service, {
    Unary(call: ServerUnaryCall<Msg, Msg>, cb: sendUnaryData<Msg>) {
      seen.metadata.push(picked(call.metadata));
      const h = new Metadata();
      h.set('x-reply-header', `h-${call.request.text}`);
      call.sendMetadata(h);
      const t = new Metadata();
      t.set('x-reply-trailer', `t-${call.request.text}`);
      cb(null, { text: `${tag}:${call.request.text}`, n: call.request.n + 1 }, t);
    },
    ServerStream(call: ServerWritableStream<Msg, Msg>) {
      const pad = call.request.text === 'big' ? 'x'.repeat(4096) : '';
      for (let i = 0; i < call.request.n; i++) call.write({ text: `${call.request.text}-${i}${pad}`, n: i });
      call.end();
    },
    ClientStream(call: ServerReadableStream<Msg, Msg>, cb: sendUnaryData<Msg>) {
      const parts: string[] = [];
      call.on('data', (m: Msg) => parts.push(m.text));
      call.on('end', () => cb(null, { text: parts.join('+'), n: parts.length }));
    },
    Bidi(call: ServerDuplexStream<Msg, Msg>) {
      call.on('data', (m: Msg) => call.write({ text: m.text.toUpperCase(), n: m.n * 2 }));
      call.on('end', () => call.end());
    },
    Slow(call: ServerUnaryCall<Msg, Msg>, cb: sendUnaryData<Msg>) {
      seen.deadlines.push(deadlineOf(call));
      seen.slow.add(call.request.text);
      const timer = setTimeout(() => cb(null, { text: 'late', n: 0 }), 20000);
      call.on('cancelled', () => {
        clearTimeout(timer);
        seen.cancelled.push(call.request.text);
      });
    },
    Fail(call: ServerUnaryCall<Msg, Msg>, cb: sendUnaryData<Msg>) {
      const md = new Metadata();
      md.set('x-why', 'because');
      md.set('grpc-status-details-bin', encodeStatus({ code: status.FAILED_PRECONDITION, message: 'no stock', details: [errorInfo('NO_STOCK', 'acme.io', { item: call.request.text })] }));
      cb({ code: status.FAILED_PRECONDITION, details: 'no stock', metadata: md });
    },
  });
  server.addService(Locked.service, {
    get(call: ServerUnaryCall<Msg, Msg>, cb: sendUnaryData<Msg>) {
      cb(null, { text: `${tag}:locked:${call.request.text}`, n: 0 });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { port, stop: () => new Promise<void>((r) => server.tryShutdown(() => r())) };
}

/** --app-protocol grpc once minidaprd accepts it (the proxy dials the app port with gRPC either way, as daprd). */
export const grpcAppArgs = (SUPPORTED_APP_PROTOCOLS as readonly string[]).includes('grpc') ? ['--app-protocol', 'grpc'] : [];

export const clients: Client[] = [];
export function dial(port: number): EchoClient {
  const c = client(Echo, port);
  clients.push(c);
  return c;
}

export function md(pairs: Record<string, string>): Metadata {
  const m = new Metadata();
  for (const [k, v] of Object.entries(pairs)) m.set(k, v);
  return m;
}

export interface UnaryResult {
  err: ServiceError | null;
  res?: Msg;
  headers?: Metadata;
  trailers?: Metadata;
}
export function unary(c: EchoClient, method: UnaryName, req: Partial<Msg>, meta: Metadata, options: Record<string, unknown> = {}): Promise<UnaryResult> {
  return new Promise((resolve) => {
    const out: UnaryResult = { err: null };
    const call = c[method](req, meta, options, (err, res) => {
      out.err = err;
      out.res = res;
    });
    call.on('metadata', (h: Metadata) => (out.headers = h));
    call.on('status', (s: { metadata: Metadata }) => {
      out.trailers = s.metadata;
      setImmediate(() => resolve(out));
    });
  });
}

export function serverStream(c: EchoClient, req: Partial<Msg>, meta: Metadata): Promise<Msg[]> {
  return new Promise((resolve, reject) => {
    const got: Msg[] = [];
    const call = c.ServerStream(req, meta);
    call.on('data', (m: Msg) => got.push(m));
    call.on('error', reject);
    call.on('end', () => resolve(got));
  });
}

export function clientStream(c: EchoClient, texts: string[], meta: Metadata): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const call = c.ClientStream(meta, (err, res) => (err || !res ? reject(err) : resolve(res)));
    for (const t of texts) call.write({ text: t, n: 0 });
    call.end();
  });
}

/** Bidi, one message at a time: each reply arrives before the next message is sent. */
export async function bidi(c: EchoClient, texts: string[], meta: Metadata): Promise<Msg[]> {
  const call = c.Bidi(meta);
  const got: Msg[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    call.on('error', reject);
    call.on('end', () => resolve());
  });
  let waiter: (() => void) | undefined;
  call.on('data', (m: Msg) => {
    got.push(m);
    waiter?.();
  });
  for (const [i, t] of texts.entries()) {
    const next = new Promise<void>((r) => (waiter = r));
    call.write({ text: t, n: i });
    await next;
  }
  call.end();
  await ended;
  return got;
}
