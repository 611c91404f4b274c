/**
 * @module api/grpc/server
 * The Dapr gRPC API server: grpc-js serving dapr.proto.runtime.v1.Dapr from the one handler list
 * (handlers.ts), on every listen address at one port. A path that is not a Dapr RPC goes to the
 * proxy hook (dapr-app-id proxying), else grpc-js answers UNIMPLEMENTED.
 */
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { ConfigError } from '../../errors/startup';
import type { GrpcDeps } from './call';
import { HANDLER_MODULES } from './handlers';
import { DAPR_SERVICE, serviceDefinition } from './proto';
import { GrpcRegistry } from './registry';

export interface GrpcServerHandle {
  port: number;
  /** Stops taking calls, lets in-flight ones finish for up to graceMs, then cuts them (and aborts their signals). */
  tryShutdown(graceMs: number): Promise<void>;
}

/** A grpc-js handler record for a bidi passthrough with identity (de)serialisers. */
export interface ProxyHandler {
  type: 'bidi';
  path: string;
  func: (call: ServerDuplexStream<Buffer, Buffer>) => void;
  serialize: (b: Buffer) => Buffer;
  deserialize: (b: Buffer) => Buffer;
}

export type ProxyHook = (path: string) => ProxyHandler | undefined;

/** The grpc-js private method the proxy hook overrides (guarded by a unit test against the pinned version). */
export const RETRIEVE_HANDLER = '_retrieveHandler';

type Retrieve = (path: string) => unknown;

/** grpc-js Server whose unknown paths go to the proxy hook. */
export class DaprGrpcServer extends Server {
  constructor(options: ConstructorParameters<typeof Server>[0], proxy?: ProxyHook) {
    super(options);
    if (proxy) {
      const self = this as unknown as Record<string, Retrieve>;
      const registered = (Server.prototype as unknown as Record<string, Retrieve>)[RETRIEVE_HANDLER] as Retrieve;
      self[RETRIEVE_HANDLER] = (path: string) => registered.call(this, path) ?? proxy(path) ?? null;
    }
  }
}

/** host:port as grpc-js wants it (IPv6 literals in brackets). */
export function bindTarget(address: string, port: number): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]:${port}` : `${address}:${port}`;
}

function bind(server: Server, target: string): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(target, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
}

function startupError(err: unknown, port: number): unknown {
  const text = err instanceof Error ? err.message : String(err);
  if (text.includes('EADDRINUSE')) return new ConfigError([`--dapr-grpc-port: port ${port} is already in use`]);
  if (text.includes('EADDRNOTAVAIL')) return new ConfigError([`--dapr-grpc-port: cannot listen on that address (${text})`]);
  if (text.includes('EACCES')) return new ConfigError([`--dapr-grpc-port: not allowed to listen on port ${port}`]);
  return err;
}

export async function createGrpcServer(deps: GrpcDeps, proxy?: ProxyHook): Promise<GrpcServerHandle> {
  const { options } = deps.ctx;
  const stop = new AbortController();
  const registry = new GrpcRegistry(deps, stop.signal);
  for (const mod of HANDLER_MODULES) registry.add(mod);
  const start = async (wanted: number): Promise<{ server: Server; port: number }> => {
    const server = new DaprGrpcServer(
      { 'grpc.max_receive_message_length': options.maxBodySize, 'grpc.max_send_message_length': options.maxBodySize },
      proxy,
    );
    server.addService(serviceDefinition(DAPR_SERVICE), registry.implementation());
    let port = wanted;
    try {
      for (const address of options.listenAddresses) port = await bind(server, bindTarget(address, port));
    } catch (err) {
      server.forceShutdown();
      throw startupError(err, port);
    }
    return { server, port };
  };
  let started: { server: Server; port: number };
  try {
    started = await start(options.daprGrpcPort);
  } catch (err) {
    // The default port is a preference (as the internal and metrics ports): with several sidecars on
    // one machine, take a free one. A port given with --dapr-grpc-port stays a hard requirement.
    if (options.daprGrpcPortExplicit !== false || !(err instanceof ConfigError) || !String(err.message).includes('already in use')) throw err;
    started = await start(0);
    deps.ctx.logger.warn(`gRPC port ${options.daprGrpcPort} is busy; serving the gRPC API on ${started.port} instead (set --dapr-grpc-port to choose)`);
  }
  const { server, port } = started;
  return {
    port,
    tryShutdown(graceMs) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          stop.abort();
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
