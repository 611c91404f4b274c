/**
 * @module lib/ports
 * Port checks and allocation: can a port be bound, does something accept connections, pick a free
 * port, and (Linux, best effort) which process holds a port.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { processCommand } from './processes';

/** Ports handed out by this process, so one run never gives the same port to two sidecars. */
const handedOut = new Set<number>();

/** True when a server could bind `host:port` right now (what the sidecar is about to do). */
export function canBind(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** True when something accepts TCP connections on `host:port`. */
export function isListening(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A port the OS says is free now, never one already handed out by this process. */
export async function pickFreePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen({ port: 0, host, exclusive: true }, () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not find a free port');
}

/** Marks ports as taken so pickFreePort never returns them (ports the user chose). */
export function reservePorts(ports: Iterable<number>): void {
  for (const p of ports) handedOut.add(p);
}

export interface PortOwner {
  pid: number;
  command: string;
}

/** Inodes of listening TCP sockets on `port`, from /proc/net/tcp{,6} (Linux only). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const local = cols[1];
      if (!local || cols[3] !== '0A') continue; // 0A = LISTEN
      if (local.slice(local.lastIndexOf(':') + 1) === hexPort && cols[9] && cols[9] !== '0') inodes.add(cols[9]);
    }
  }
  return inodes;
}

/**
 * The process listening on `port`, found by matching socket inodes in /proc/net/tcp with
 * /proc/<pid>/fd links. Linux only, and only for processes we may inspect; undefined otherwise.
 */
export function findPortOwner(port: number): PortOwner | undefined {
  if (process.platform !== 'linux') return undefined;
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // not ours to look at, or gone
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1] as string)) return { pid: Number(pid), command: processCommand(Number(pid)) ?? '' };
    }
  }
  return undefined;
}
