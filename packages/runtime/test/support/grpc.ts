/**
 * @module test/support/grpc
 * A plain grpc-js client of the Dapr service built from the protos (api/grpc/proto.ts), answering
 * every call with `{res}` or `{err}` (code, message and the decoded google.rpc.Status details), and
 * `serveModules()`: a grpc-js server running handler modules against a component store (unit tests).
 */
import { Client, credentials, Metadata, Server, ServerCredentials, type ServiceError } from '@grpc/grpc-js';
import type { ComponentStore } from '../../src/components/store';
import type { SecretScopes } from '../../src/components/secretstores/scopes';
import type { RuntimeContext } from '../../src/lifecycle/context';
import { createLogger } from '../../src/logger';
import type { GrpcDeps, HandlerModule } from '../../src/api/grpc/call';
import { DAPR_SERVICE, serviceDefinition } from '../../src/api/grpc/proto';
import { GrpcRegistry } from '../../src/api/grpc/registry';
import { decodeDetail, decodeStatus } from '../../src/api/grpc/status';
import type { Tracing } from '../../src/tracing/tracer';

export interface RpcError {
  code: number;
  message: string;
  /** Decoded google.rpc.Status details (ErrorInfo, ResourceInfo, BadRequest), [] when none were sent. */
  details: Array<Record<string, unknown>>;
  /** The detail type names in order (`google.rpc.ErrorInfo`, …). */
  detailTypes: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- decoded protobuf objects, checked by each test
export interface RpcAnswer<T = any> {
  res?: T;
  err?: RpcError;
  headers?: Metadata;
}

export interface DaprGrpcClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as RpcAnswer
  call<T = any>(rpc: string, request: Record<string, unknown>, metadata?: Record<string, string>): Promise<RpcAnswer<T>>;
  close(): void;
}

function rpcError(e: ServiceError): RpcError {
  const bin = e.metadata?.get('grpc-status-details-bin')[0];
  const status = Buffer.isBuffer(bin) ? decodeStatus(bin) : undefined;
  return {
    code: e.code,
    message: e.details,
    details: (status?.details ?? []).map((d) => decodeDetail(d) ?? { typeUrl: d.typeUrl }),
    detailTypes: (status?.details ?? []).map((d) => d.typeUrl.slice(d.typeUrl.lastIndexOf('/') + 1)),
  };
}

/** A client of dapr.proto.runtime.v1.Dapr at `address` (host:port), insecure. */
export function daprGrpcClient(address: string): DaprGrpcClient {
  const client = new Client(address, credentials.createInsecure());
  const def = serviceDefinition(DAPR_SERVICE);
  return {
    call: (rpc, request, metadata = {}) => {
      const m = def[rpc] as unknown as { path: string; requestSerialize(v: unknown): Buffer; responseDeserialize(b: Buffer): unknown } | undefined;
      if (!m) throw new Error(`no RPC ${rpc}`);
      const md = new Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      return new Promise((resolve) => {
        let headers: Metadata | undefined;
        const c = client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, md, { deadline: Date.now() + 15000 }, (err, res) =>
          resolve(err ? { err: rpcError(err), headers } : { res: res as never, headers }),
        );
        c.on('metadata', (h) => (headers = h));
      });
    },
    close: () => client.close(),
  };
}

export interface Served {
  client: DaprGrpcClient;
  close(): void;
}

/** Serves `modules` (with the registry's UNIMPLEMENTED fallback) over a component store; app id `app`. */
export async function serveModules(
  store: ComponentStore,
  modules: HandlerModule[],
  o: { appId?: string; secretScopes?: SecretScopes; tracing?: Tracing } = {},
): Promise<Served> {
  const universal = { store, appId: o.appId ?? 'app', secretScopes: o.secretScopes, debug: () => {} };
  const deps: GrpcDeps = {
    ctx: { options: {}, deps: { apiLogging: false }, logger: createLogger({ appId: 't', level: 'error', json: true, version: '0' }) } as unknown as RuntimeContext,
    universal: () => universal,
    tracing: () => o.tracing,
  };
  const registry = new GrpcRegistry(deps);
  for (const m of modules) registry.add(m);
  const server = new Server();
  server.addService(serviceDefinition(DAPR_SERVICE), registry.implementation());
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  const client = daprGrpcClient(`127.0.0.1:${port}`);
  return {
    client,
    close: () => {
      client.close();
      server.forceShutdown();
    },
  };
}
