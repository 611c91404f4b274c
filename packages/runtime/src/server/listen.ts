/**
 * @module server/listen
 * Starts node:http (or node:https) servers on given addresses with errors that name the flag and the port.
 */
import http, { type RequestListener, type Server } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors/startup';
import { DEFAULT_READ_BODY_IDLE_TIMEOUT_MS, DEFAULT_READ_HEADER_TIMEOUT_MS } from '../options-guards';
import { withBodyIdleTimeout } from './body-idle';

export interface ListenOptions {
  port: number;
  addresses: readonly string[];
  flag: string;
  maxHeaderSize?: number;
  keepAliveTimeoutMs?: number;
  /** Serve TLS (the sidecar-to-sidecar port with mTLS) instead of plain HTTP. */
  tls?: https.ServerOptions;
  /** Time allowed for a request's line and headers (Go's ReadHeaderTimeout); default 10 s. */
  headersTimeoutMs?: number;
  /** A request body that stalls this long is answered 408 (0: never); default 60 s. */
  bodyIdleTimeoutMs?: number;
}

export async function listen(handler: RequestListener, o: ListenOptions): Promise<{ servers: Server[]; port: number }> {
  const servers: Server[] = [];
  let port = o.port;
  try {
    for (const address of o.addresses) {
      const headersTimeout = o.headersTimeoutMs ?? DEFAULT_READ_HEADER_TIMEOUT_MS;
      const common = {
        maxHeaderSize: o.maxHeaderSize,
        keepAliveTimeout: o.keepAliveTimeoutMs ?? 65000,
        // Node checks headersTimeout on this interval (30 s by default): check often enough to honour it.
        connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 4))),
      };
      const guarded = withBodyIdleTimeout(handler, o.bodyIdleTimeoutMs ?? DEFAULT_READ_BODY_IDLE_TIMEOUT_MS);
      const server: Server = o.tls ? https.createServer({ ...o.tls, ...common }, guarded) : http.createServer(common, guarded);
      server.headersTimeout = headersTimeout;
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
