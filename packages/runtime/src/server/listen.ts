/**
 * @module server/listen
 * Starts node:http (or node:https) servers on given addresses with errors that name the flag and the port.
 */
import http, { type RequestListener, type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors/startup';

export interface ListenOptions {
  port: number;
  addresses: readonly string[];
  flag: string;
  maxHeaderSize?: number;
  keepAliveTimeoutMs?: number;
  /** Serve TLS (the sidecar-to-sidecar port with mTLS) instead of plain HTTP. */
  tls?: https.ServerOptions;
}

export async function listen(handler: RequestListener, o: ListenOptions): Promise<{ servers: Server[]; port: number }> {
  const servers: Server[] = [];
  let port = o.port;
  try {
    for (const address of o.addresses) {
      const common = { maxHeaderSize: o.maxHeaderSize, keepAliveTimeout: o.keepAliveTimeoutMs ?? 65000 };
      const server: Server = o.tls ? https.createServer({ ...o.tls, ...common }, handler) : http.createServer(common, handler);
      server.headersTimeout = 66000;
      server.requestTimeout = 0; // streamed invocations may be long; daprd has no timeout either
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host: address, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      port = (server.address() as AddressInfo).port; // port 0 → the one the OS chose, reused for every address
      servers.push(server);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new ConfigError([`${o.flag}: port ${o.port} is already in use`]);
    if (e.code === 'EADDRNOTAVAIL') throw new ConfigError([`${o.flag}: cannot listen on that address (${e.message})`]);
    if (e.code === 'EACCES') throw new ConfigError([`${o.flag}: not allowed to listen on port ${o.port}`]);
    throw err;
  }
  return { servers, port };
}
