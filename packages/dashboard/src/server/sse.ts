/**
 * @module server/sse
 * Server-sent event streams: one writer per client, a keep-alive `: ping` comment, and cleanup
 * callbacks run once when the client goes away or the dashboard closes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const PING_INTERVAL_MS = 15000;

export interface SseClient {
  send(event: string, data: unknown): void;
  /** Runs `fn` when the stream ends (client gone or close()). */
  onClose(fn: () => void): void;
  close(): void;
  readonly closed: boolean;
}

/** Every open stream, so the dashboard can end them all on close(). */
export class SseClients {
  private readonly clients = new Set<SseClient>();

  get size(): number {
    return this.clients.size;
  }

  open(req: IncomingMessage, res: ServerResponse, pingMs = PING_INTERVAL_MS): SseClient {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const cleanups: Array<() => void> = [];
    let closed = false;
    const ping = setInterval(() => res.write(': ping\n\n'), pingMs);
    ping.unref();
    const client: SseClient = {
      send(event, data) {
        if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      onClose(fn) {
        if (closed) fn();
        else cleanups.push(fn);
      },
      close: () => finish(),
      get closed() {
        return closed;
      },
    };
    const finish = (): void => {
      if (closed) return;
      closed = true;
      clearInterval(ping);
      this.clients.delete(client);
      for (const fn of cleanups.splice(0)) fn();
      res.end();
    };
    req.on('close', finish);
    res.on('close', finish);
    this.clients.add(client);
    return client;
  }

  closeAll(): void {
    for (const c of [...this.clients]) c.close();
  }
}
