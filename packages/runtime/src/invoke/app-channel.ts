/**
 * @module invoke/app-channel
 * The sidecar's connection to its own app: base address, a keep-alive agent, the app API token,
 * --app-max-concurrency, and the wait for the app port to accept connections.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { APP_PORT_POLL_MS } from '../defaults';
import type { ForwardTarget } from './forward';

const NO_LIMIT = (): void => {};

export interface AppChannelOptions {
  protocol: 'http' | 'https';
  address: string;
  port: number;
  appApiToken?: string;
  maxConcurrency: number;
}

export class AppChannel {
  readonly target: ForwardTarget;
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly opts: AppChannelOptions) {
    const agentOpts = { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, timeout: 4000, scheduling: 'lifo' as const };
    this.target = {
      protocol: opts.protocol === 'https' ? 'https:' : 'http:',
      host: opts.address,
      port: opts.port,
      agent: opts.protocol === 'https' ? new https.Agent({ ...agentOpts, rejectUnauthorized: false }) : new http.Agent(agentOpts),
    };
  }

  /** Headers every call into the app carries. */
  decorate(headers: http.OutgoingHttpHeaders): http.OutgoingHttpHeaders {
    if (this.opts.appApiToken) headers['dapr-api-token'] = this.opts.appApiToken;
    else delete headers['dapr-api-token'];
    return headers;
  }

  /** Resolves with a release function once a concurrency slot is free. */
  async acquire(): Promise<() => void> {
    const now = this.tryAcquire();
    if (now) return now;
    await new Promise<void>((r) => this.waiting.push(r));
    return this.take();
  }

  /** A release function when a slot is free right now (no promise, no microtask), else undefined. */
  tryAcquire(): (() => void) | undefined {
    const limit = this.opts.maxConcurrency;
    if (limit <= 0) return NO_LIMIT;
    return this.active < limit && this.waiting.length === 0 ? this.take() : undefined;
  }

  private take(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }

  /** Dials the app port every 100 ms until it accepts a connection or the signal aborts. */
  async waitForPort(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await canConnect(this.opts.address, this.opts.port)) return true;
      await new Promise((r) => setTimeout(r, APP_PORT_POLL_MS).unref());
    }
    return false;
  }

  close(): void {
    this.target.agent.destroy();
  }
}

export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
