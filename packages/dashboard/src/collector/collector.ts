/**
 * @module collector/collector
 * startCollector: the Zipkin v2 server (default port 9411) and the OTLP/HTTP server (default 4318)
 * over one span store. Port 0 picks a free port; `otlpPort: null` turns OTLP off.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createListener } from './http-kit';
import { otlpEndpoints, otlpErrorReply } from './otlp-api';
import type { SpanStore } from './types';
import { zipkinEndpoints } from './zipkin-api';

export const DEFAULT_ZIPKIN_PORT = 9411;
export const DEFAULT_OTLP_HTTP_PORT = 4318;

export interface CollectorOptions {
  store: SpanStore;
  /** Default 'localhost'; '0.0.0.0' accepts spans from other hosts (containers), as Zipkin does. */
  host?: string;
  /** Default 9411; 0 = random. */
  zipkinPort?: number;
  /** Default 4318; 0 = random; null = no OTLP server. */
  otlpPort?: number | null;
  /** Request body limit in bytes (default 16 MiB). */
  bodyLimit?: number;
}

export interface RunningCollector {
  zipkinPort: number;
  otlpPort?: number;
  close(): Promise<void>;
}

/** Thrown when a collector port cannot be bound; names the port and what it serves. */
export class CollectorListenError extends Error {
  override readonly name = 'CollectorListenError';
  constructor(readonly port: number, readonly what: string, cause: NodeJS.ErrnoException) {
    super(
      cause.code === 'EADDRINUSE'
        ? `cannot start the ${what} on port ${port}: the port is already in use (another Zipkin or collector running?)`
        : `cannot start the ${what} on port ${port}: ${cause.message}`,
      { cause },
    );
  }
}

function listen(listener: RequestListener, host: string, port: number, what: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(listener);
    server.once('error', (err: NodeJS.ErrnoException) => reject(new CollectorListenError(port, what, err)));
    server.listen({ port, host }, () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Starts the collector's servers. The store stays open after close(): its owner closes it.
 * @example
 * const store = openSpanStore({ path: defaultSpanStorePath(home) });
 * const collector = await startCollector({ store, zipkinPort: 0, otlpPort: null });
 */
export async function startCollector(opts: CollectorOptions): Promise<RunningCollector> {
  const host = opts.host ?? 'localhost';
  const zipkinListener = createListener(zipkinEndpoints(opts.store), { bodyLimit: opts.bodyLimit });
  const zipkin = await listen(zipkinListener, host, opts.zipkinPort ?? DEFAULT_ZIPKIN_PORT, 'Zipkin collector');
  let otlp: Server | undefined;
  const otlpPort = opts.otlpPort === undefined ? DEFAULT_OTLP_HTTP_PORT : opts.otlpPort;
  if (otlpPort !== null) {
    try {
      otlp = await listen(createListener(otlpEndpoints(opts.store), { bodyLimit: opts.bodyLimit, onError: otlpErrorReply }), host, otlpPort, 'OTLP/HTTP collector');
    } catch (err) {
      await closeServer(zipkin);
      throw err;
    }
  }
  let closing: Promise<void> | undefined;
  return {
    zipkinPort: (zipkin.address() as AddressInfo).port,
    otlpPort: otlp ? (otlp.address() as AddressInfo).port : undefined,
    close() {
      closing ??= Promise.all([closeServer(zipkin), otlp ? closeServer(otlp) : undefined]).then(() => undefined);
      return closing;
    },
  };
}
