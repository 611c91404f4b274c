/**
 * @module netns/handshake-forwarder
 * A forwarder (like ./forwarder) that first lets a handshake look at what the client sends: it may
 * answer the client itself and decides what reaches the server, then the connection is piped
 * both ways. Used to stand the machine's Redis and PostgreSQL in for the Kubernetes pods that
 * the manifests configure: Redis started with `--requirepass` (the AUTH is checked here against
 * the manifest's password, since the local server has none) and PostgreSQL with `POSTGRES_DB`
 * (the database the clients ask for is mapped to one of the test's own).
 */
import net from 'node:net';
import { listenForwarder } from './forwarder';

export interface HandshakeStep {
  /** Bytes the server gets once the handshake is over (the rest of what the client sent). */
  forward: Buffer;
}

/**
 * Looks at everything the client has sent so far: `reply` answers the client directly; returns
 * the bytes to forward once the handshake is complete, undefined while it needs more input.
 * `note` records what happened (for test assertions).
 */
export type Handshake = (data: Buffer, reply: (b: Buffer | string) => void, note: (event: string) => void) => HandshakeStep | undefined;

export interface HandshakeForwarder {
  listen: { host: string; port: number };
  target: { host: string; port: number };
  connections(): number;
  /** What the handshakes noted, in order, over all connections. */
  events(): string[];
  close(): Promise<void>;
}

/** Each connection gets a fresh handshake from `makeHandshake` (handshakes keep per-connection state). */
export async function startHandshakeForwarder(
  listen: { host: string; port: number },
  target: { host: string; port: number },
  makeHandshake: () => Handshake,
): Promise<HandshakeForwarder> {
  const sockets = new Set<net.Socket>();
  const events: string[] = [];
  let accepted = 0;
  const server = net.createServer({ allowHalfOpen: true }, (inbound) => {
    accepted++;
    const handshake = makeHandshake();
    sockets.add(inbound);
    let pending = Buffer.alloc(0);
    let outbound: net.Socket | undefined;
    const end = () => {
      inbound.destroy();
      outbound?.destroy();
      sockets.delete(inbound);
      if (outbound) sockets.delete(outbound);
    };
    inbound.on('error', end).on('close', end);
    const onData = (d: Buffer) => {
      pending = Buffer.concat([pending, d]);
      let step: HandshakeStep | undefined;
      try {
        step = handshake(pending, (b) => inbound.write(b), (e) => events.push(e));
      } catch (err) {
        events.push(`handshake failed: ${(err as Error).message}`);
        end();
        return;
      }
      if (!step) return;
      inbound.off('data', onData);
      inbound.pause();
      const out = net.connect({ ...target, allowHalfOpen: true });
      outbound = out;
      sockets.add(out);
      out.on('error', end).on('close', end);
      if (step.forward.length) out.write(step.forward);
      out.pipe(inbound);
      inbound.pipe(out);
      inbound.resume();
    };
    inbound.on('data', onData);
  });
  const close = await listenForwarder(server, listen, target, sockets);
  return { listen, target, connections: () => accepted, events: () => [...events], close };
}

/** One RESP command (array of bulk strings, or an inline line) from the front of `buf`: its words and length. */
export function parseRespCommand(buf: Buffer): { words: string[]; length: number } | undefined {
  const lineEnd = (from: number): number => buf.indexOf('\r\n', from);
  if (buf.length === 0) return undefined;
  if (buf[0] !== 0x2a /* '*' */) {
    const e = lineEnd(0);
    if (e < 0) return undefined;
    return { words: buf.subarray(0, e).toString().trim().split(/\s+/).filter(Boolean), length: e + 2 };
  }
  let e = lineEnd(0);
  if (e < 0) return undefined;
  const count = Number(buf.subarray(1, e).toString());
  if (!Number.isInteger(count) || count < 0) throw new Error(`not a RESP array header: ${buf.subarray(0, e).toString()}`);
  let at = e + 2;
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    e = lineEnd(at);
    if (e < 0) return undefined;
    if (buf[at] !== 0x24 /* '$' */) throw new Error('RESP command words must be bulk strings');
    const size = Number(buf.subarray(at + 1, e).toString());
    const start = e + 2;
    if (buf.length < start + size + 2) return undefined;
    words.push(buf.subarray(start, start + size).toString());
    at = start + size + 2;
  }
  return { words, length: at };
}

/**
 * A Redis started with `--requirepass <password>`: commands before a successful AUTH get NOAUTH,
 * a wrong password gets WRONGPASS; after `AUTH <password>` (or `AUTH default <password>`) the
 * connection goes to the real server. Notes `AUTH ok`, `AUTH wrong password`, `NOAUTH <COMMAND>`.
 */
export function redisRequirePass(password: string): () => Handshake {
  return () => {
    let consumed = 0;
    return (data, reply, note) => {
      for (;;) {
        const cmd = parseRespCommand(data.subarray(consumed));
        if (!cmd) return undefined;
        consumed += cmd.length;
        const [name = '', ...rest] = cmd.words;
        if (name.toUpperCase() !== 'AUTH') {
          note(`NOAUTH ${name.toUpperCase()}`);
          reply('-NOAUTH Authentication required.\r\n');
          continue;
        }
        const [user, pass] = rest.length === 1 ? ['default', rest[0]] : [rest[0], rest[1]];
        if (user === 'default' && pass === password) {
          note('AUTH ok');
          reply('+OK\r\n');
          return { forward: Buffer.from(data.subarray(consumed)) };
        }
        note('AUTH wrong password');
        reply('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
      }
    };
  };
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;

/** The key/value pairs of a PostgreSQL StartupMessage body (after length and protocol version). */
function startupParams(body: Buffer): [string, string][] {
  const parts = body.toString('utf8').split('\0');
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) pairs.push([parts[i] as string, parts[i + 1] as string]);
  return pairs;
}

/**
 * A PostgreSQL whose POSTGRES_DB is `from`: a StartupMessage asking for database `from` is
 * rewritten to ask for `to` (the test's own database on the machine's server). SSL and GSS
 * encryption requests are declined ('N'), as by the postgres image without certificates. Notes
 * `database <from> → <to>` or `database <other>`.
 */
export function postgresDatabase(from: string, to: string): () => Handshake {
  return () => {
    let consumed = 0;
    return (data, reply, note) => {
      for (;;) {
        const buf = data.subarray(consumed);
        if (buf.length < 8) return undefined;
        const length = buf.readInt32BE(0);
        if (length < 8 || length > 10000) throw new Error(`not a PostgreSQL start-up packet (length ${length})`);
        if (buf.length < length) return undefined;
        const code = buf.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          consumed += length;
          reply('N');
          continue;
        }
        const rest = Buffer.from(buf.subarray(length));
        if (code !== PROTOCOL_3) return { forward: Buffer.from(buf) }; // CancelRequest and the like: as is
        const params = startupParams(buf.subarray(8, length));
        const db = params.find(([k]) => k === 'database')?.[1] ?? params.find(([k]) => k === 'user')?.[1] ?? '';
        if (db !== from) {
          note(`database ${db}`);
          return { forward: Buffer.from(buf) };
        }
        note(`database ${from} → ${to}`);
        const rewritten = params.filter(([k]) => k !== 'database').concat([['database', to]]);
        const body = Buffer.from(`${rewritten.map(([k, v]) => `${k}\0${v}\0`).join('')}\0`, 'utf8');
        const head = Buffer.alloc(8);
        head.writeInt32BE(8 + body.length, 0);
        head.writeInt32BE(PROTOCOL_3, 4);
        return { forward: Buffer.concat([head, body, rest]) };
      }
    };
  };
}
