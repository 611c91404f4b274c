/**
 * @module server/h2-peer
 * HTTP/2 next to HTTP/1.1 on the sidecar-to-sidecar port, for proxied gRPC calls (dapr-app-id).
 * The HTTP/1.1 path is untouched: the same node:http(s) server parses every byte of it.
 *   - with mTLS the port offers ALPN `h2` and `http/1.1`; a connection that chose `h2` goes to
 *     HTTP/2, any other (peers' HTTPS agents send no ALPN) to the HTTPS server as before;
 *   - without TLS the first bytes decide: the HTTP/2 client preface goes to HTTP/2, anything
 *     else is put back on the socket and handed to the HTTP server unchanged.
 * HTTP/2 connections are handed to a grpc-js server (a connection injector) whose only handler
 * is the callee side of the proxy (api/grpc/proxy.ts).
 */
import { ServerCredentials } from '@grpc/grpc-js';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { DaprGrpcServer, type ProxyHook } from '../api/grpc/server';

/** What an HTTP/2 client sends first (RFC 9113 §3.4). */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** ALPN the sidecar-to-sidecar TLS server offers (h2 first: a client offering both wants gRPC). */
export const PEER_ALPN = ['h2', 'http/1.1'];

export interface H2Sink {
  /** Takes an HTTP/2 connection (TLS already terminated for mTLS). */
  inject(socket: Socket): void;
}

type Listener = (socket: Socket) => void;

/**
 * Routes the HTTP/2 connections of `server` (an http.Server or an https.Server made with
 * PEER_ALPN) to `sink`; every other connection reaches the server's own listeners as before.
 * `sniffTimeoutMs`: a plain connection that sends nothing this long is closed (HTTP's header timeout).
 */
export function attachH2(server: Server, tls: boolean, sink: H2Sink, sniffTimeoutMs: number): void {
  const event = tls ? 'secureConnection' : 'connection';
  const own = server.listeners(event) as Listener[];
  server.removeAllListeners(event);
  const toHttp1 = (socket: Socket) => {
    for (const l of own) l.call(server, socket);
  };
  if (tls) {
    server.on(event, (socket: TLSSocket) => (socket.alpnProtocol === 'h2' ? sink.inject(socket) : toHttp1(socket)));
    return;
  }
  server.on(event, (socket: Socket) => sniff(socket, sniffTimeoutMs, (h2) => (h2 ? sink.inject(socket) : toHttp1(socket))));
}

/** Reads until the first bytes match or leave the preface, puts them back, then decides. */
function sniff(socket: Socket, timeoutMs: number, decide: (h2: boolean) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  timer.unref();
  const finish = (h2: boolean) => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onGone);
    socket.off('close', onGone);
    socket.pause();
    if (seen.length > 0) socket.unshift(seen);
    decide(h2);
    // The HTTP server resumes a socket it is given only when it adds its listener to a flowing
    // stream; the sniffer paused it, so resume once the new owner has attached.
    if (!h2) process.nextTick(() => socket.resume());
  };
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, PREFACE.length);
    if (!seen.subarray(0, n).equals(PREFACE.subarray(0, n))) finish(false);
    else if (seen.length >= PREFACE.length) finish(true);
  };
  const onGone = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  socket.on('data', onData);
  socket.once('error', onGone);
  socket.once('close', onGone);
}

/** The callee side's HTTP/2 server: a grpc-js server fed by attachH2, serving only the proxy hook. */
export interface H2Peer extends H2Sink {
  /** GOAWAY to every HTTP/2 connection, in-flight calls get graceMs, then they are cut. */
  close(graceMs: number): Promise<void>;
}

export function createH2Peer(hook: ProxyHook, maxBodySize: number): H2Peer {
  const server = new DaprGrpcServer({ 'grpc.max_receive_message_length': maxBodySize, 'grpc.max_send_message_length': maxBodySize }, hook);
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  const sockets = new Set<Socket>();
  return {
    inject(socket) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      injector.injectConnection(socket);
    },
    async close(graceMs) {
      injector.drain(graceMs);
      // drain() cuts the sessions after graceMs; give their sockets a moment more to close.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...sockets].map((s) => new Promise((r) => s.once('close', r)))),
        new Promise((r) => (timer = setTimeout(r, graceMs + 200))),
      ]);
      clearTimeout(timer);
      for (const s of sockets) s.destroy();
      injector.destroy();
      server.forceShutdown();
    },
  };
}
