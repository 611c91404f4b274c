/**
 * @module apps
 * Tiny in-process HTTP apps for tests: they record what they receive and answer as told.
 */
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Reply = (req: ReceivedRequest) => { status?: number; headers?: Record<string, string>; body?: string | Buffer } | Promise<{ status?: number; headers?: Record<string, string>; body?: string | Buffer }>;

export interface TestApp {
  port: number;
  received: ReceivedRequest[];
  server: Server;
  close(): Promise<void>;
}

/** Starts an app on a free port; by default it echoes method, url and body as JSON. */
export async function startApp(reply?: Reply, port = 0): Promise<TestApp> {
  const received: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const r: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      try {
        const out = reply ? await reply(r) : { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: r.method, url: r.url, body: r.body.toString() }) };
        res.writeHead(out.status ?? 200, out.headers);
        res.end(out.body);
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
