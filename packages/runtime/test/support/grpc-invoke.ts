/**
 * Helpers for the gRPC invocation scenarios: a plain grpc-js client of the Dapr service (one
 * InvokeService call answered as { err } or { res, header }) and a plain grpc-js gRPC app serving
 * AppCallback.OnInvoke.
 */
import {
  Client,
  credentials,
  loadPackageDefinition,
  Metadata,
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { APP_CALLBACK, loadDaprProtos, serviceDefinition } from '../../src/api/grpc/proto';
import { decodeDetail, decodeStatus } from '../../src/api/grpc/status';

type Callback = (err: ServiceError | null, res?: InvokeOutcome['res']) => void;
type UnaryCall = { on(ev: 'metadata', cb: (md: Metadata) => void): void };
type DaprStub = Client & Record<string, (req: unknown, md: Metadata, cb: Callback) => UnaryCall>;
type DaprCtor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => DaprStub;

const proto = loadPackageDefinition(loadDaprProtos()) as unknown as { dapr: { proto: { runtime: { v1: { Dapr: DaprCtor } } } } };
const Dapr = proto.dapr.proto.runtime.v1.Dapr;

/** common.v1.HTTPExtension.Verb */
export const VERB = { NONE: 0, GET: 1, HEAD: 2, POST: 3, PUT: 4, DELETE: 5, CONNECT: 6, OPTIONS: 7, TRACE: 8, PATCH: 9 } as const;

export interface InvokeArgs {
  method: string;
  data?: string | Buffer;
  typeUrl?: string;
  contentType?: string;
  verb?: number;
  querystring?: string;
  metadata?: Record<string, string>;
}

export interface InvokeOutcome {
  err?: ServiceError;
  res?: { data: { type_url: string; value: Buffer } | null; contentType: string };
  header?: Metadata;
}

export class DaprGrpc {
  private readonly stub: DaprStub;

  constructor(port: number) {
    this.stub = new Dapr(`127.0.0.1:${port}`, credentials.createInsecure());
  }

  invoke(id: string, a: InvokeArgs): Promise<InvokeOutcome> {
    const md = new Metadata();
    for (const [k, v] of Object.entries(a.metadata ?? {})) md.set(k, v);
    const message = {
      method: a.method,
      // protobufjs' built-in Any is spelled type_url even with keepCase off
      data: a.data === undefined ? undefined : { type_url: a.typeUrl ?? '', value: Buffer.from(a.data) },
      contentType: a.contentType ?? '',
      httpExtension: a.verb === undefined && a.querystring === undefined ? undefined : { verb: a.verb ?? 0, querystring: a.querystring ?? '' },
    };
    return new Promise((resolve) => {
      let header: Metadata | undefined;
      const call = this.stub.InvokeService?.({ id, message }, md, (err, res) => resolve(err ? { err, header } : { res, header }));
      call?.on('metadata', (m) => (header = m));
    });
  }

  close(): void {
    this.stub.close();
  }
}

/** The details of a gRPC error's google.rpc.Status, decoded. */
export function errorDetails(err: ServiceError | undefined): Array<Record<string, unknown> | undefined> {
  const bin = err?.metadata.get('grpc-status-details-bin')[0];
  if (!Buffer.isBuffer(bin)) return [];
  return decodeStatus(bin).details.map(decodeDetail);
}

/** What a fake gRPC app's OnInvoke received. */
export interface OnInvokeSeen {
  method: string;
  data: { type_url: string; value: Buffer } | null;
  contentType: string;
  httpExtension: { verb: number; querystring: string } | null;
  metadata: Record<string, unknown>;
}

type OnInvokeAnswer = { data?: string; contentType?: string; header?: Record<string, string> } | { error: { code: number; message: string; details?: Buffer } };
export type OnInvokeReply = (req: OnInvokeSeen) => OnInvokeAnswer | Promise<OnInvokeAnswer>;

export interface GrpcTestApp {
  port: number;
  received: OnInvokeSeen[];
  close(): Promise<void>;
}

/** A plain grpc-js app serving AppCallback (OnInvoke as `reply` says; no subscriptions or bindings). */
export async function startGrpcApp(reply: OnInvokeReply): Promise<GrpcTestApp> {
  const received: OnInvokeSeen[] = [];
  const server = new Server();
  server.addService(serviceDefinition(APP_CALLBACK), {
    OnInvoke: async (call: ServerUnaryCall<OnInvokeSeen, unknown>, cb: sendUnaryData<unknown>) => {
      const seen = { ...call.request, metadata: call.metadata.toJSON() };
      received.push(seen);
      const out = await reply(seen);
      if ('error' in out) {
        const md = new Metadata();
        if (out.error.details) md.set('grpc-status-details-bin', out.error.details);
        cb(Object.assign(new Error(out.error.message), { code: out.error.code, details: out.error.message, metadata: md }));
        return;
      }
      const header = new Metadata();
      for (const [k, v] of Object.entries(out.header ?? {})) header.set(k, v);
      call.sendMetadata(header);
      cb(null, { data: out.data === undefined ? null : { value: Buffer.from(out.data) }, contentType: out.contentType ?? '' });
    },
    ListTopicSubscriptions: (_call: unknown, cb: sendUnaryData<unknown>) => cb(null, { subscriptions: [] }),
    ListInputBindings: (_call: unknown, cb: sendUnaryData<unknown>) => cb(null, { bindings: [] }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
