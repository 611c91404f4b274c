/**
 * Helpers for the gRPC invocation scenarios: a plain grpc-js client of the Dapr service and one
 * InvokeService call answered as { err } or { res, header }.
 */
import { Client, credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadDaprProtos } from '../../src/api/grpc/proto';
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
