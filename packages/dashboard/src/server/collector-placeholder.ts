/**
 * @module server/collector-placeholder
 * PLACEHOLDER until `src/collector` is merged (see collector-backend.ts): an in-memory span store
 * and receivers that bind the collector ports but store nothing (they answer 503). Delete this file
 * when the real collector is wired in.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createMemorySpanStore } from './memory-span-store';
import type { CollectorOptions, RunningCollector, SpanStore } from './span-store-types';

export function defaultSpanStorePath(home: string): string {
  return join(home, 'traces', 'spans.db');
}

export function openSpanStore(_opts: { path: string }): SpanStore {
  return createMemorySpanStore();
}

function listen(host: string | undefined, port: number): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"the trace collector is not part of this build"}');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export async function startCollector(o: CollectorOptions): Promise<RunningCollector> {
  const servers: http.Server[] = [await listen(o.host, o.zipkinPort ?? 9411)];
  if (o.otlpPort !== null) {
    try {
      servers.push(await listen(o.host, o.otlpPort ?? 4318));
    } catch (err) {
      servers[0]?.close();
      throw err;
    }
  }
  const port = (i: number): number | undefined => (servers[i]?.address() as AddressInfo | null)?.port;
  return {
    zipkinPort: port(0) ?? 0,
    otlpPort: port(1),
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
    },
  };
}
