/**
 * @module netns/forwarder
 * A TCP forwarder in the calling process: listens on an address the namespaces can reach (the
 * subnet's .1, on the root namespace's uplink) and pipes each connection to a server that listens
 * only on the root namespace's loopback (the machine's Redis or PostgreSQL).
 */
import net from 'node:net';

export interface Forwarder {
  listen: { host: string; port: number };
  target: { host: string; port: number };
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startForwarder(listen: { host: string; port: number }, target: { host: string; port: number }): Promise<Forwarder> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  // Half-open both ways: a client that shuts down its sending side still gets the reply.
  const server = net.createServer({ allowHalfOpen: true }, (inbound) => {
    accepted++;
    const outbound = net.connect({ ...target, allowHalfOpen: true });
    sockets.add(inbound).add(outbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on('error', end).on('close', end);
    outbound.on('error', end).on('close', end);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  const close = await listenForwarder(server, listen, target, sockets);
  return { listen, target, connections: () => accepted, close };
}

/**
 * Starts `server` on `listen` (rejecting with both addresses when it cannot); resolves to the
 * close() that destroys every connection still in `sockets` and stops the server.
 */
export async function listenForwarder(
  server: net.Server,
  listen: { host: string; port: number },
  target: { host: string; port: number },
  sockets: Set<net.Socket>,
): Promise<() => Promise<void>> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`cannot forward ${listen.host}:${listen.port} to ${target.host}:${target.port}: ${err.message}`)));
    server.listen(listen.port, listen.host, () => resolve());
  });
  server.on('error', () => {});
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      server.close(() => resolve());
    });
}
