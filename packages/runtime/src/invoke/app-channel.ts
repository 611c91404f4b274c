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

/** The caller stopped waiting for a concurrency slot (its signal aborted). */
export class ChannelWaitAborted extends Error {
  constructor() {
    super('the caller went away while waiting for an --app-max-concurrency slot');
    this.name = 'ChannelWaitAborted';
  }
}

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
  private readonly waiting: Array<(release: () => void) => void> = [];

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

  /**
   * Resolves with a release function once a concurrency slot is free. When `signal` aborts first
   * (the caller hung up while queued), the waiter leaves the queue and the promise rejects with
   * ChannelWaitAborted, so an abandoned caller never takes a slot.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new ChannelWaitAborted());
        return;
      }
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new ChannelWaitAborted());
      };
      const grant = (release: () => void): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
    });
  }

  /** A release function when a slot is free right now (no promise, no microtask), else undefined. */
  tryAcquire(): (() => void) | undefined {
    const limit = this.opts.maxConcurrency;
    if (limit <= 0) return NO_LIMIT;
    if (this.active < limit && this.waiting.length === 0) {
      this.active++;
      return this.releaser();
    }
    return undefined;
  }

  /** Slots in use and callers queued (for tests and diagnostics). */
  get usage(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /** Releasing hands the slot straight to the next waiter, so no one can slip in between. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(this.releaser());
      else this.active--;
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
