/**
 * @module invoke/app-health
 * The app health prober (daprd `pkg/apphealth`, flags --enable-app-health-check and friends):
 * - the app starts UNHEALTHY (the failure count starts at the threshold) and is probed at once,
 *   then every interval; one probe at a time, a tick during a probe queues at most one more;
 * - a probe is `GET <path>` over the app channel within the probe timeout: 2xx is a success,
 *   anything else (another status, a refused connection, a timeout) a failure;
 * - one success makes the app healthy ("App entered healthy status"); `threshold` consecutive
 *   failures make it unhealthy ("App entered un-healthy status"); listeners hear each transition.
 * What the runtime does on a transition (pause deliveries, stop input bindings, fail invocations
 * fast) is wired in lifecycle/app-health.ts.
 */
import type { Logger } from '../logger';
import { callApp } from './app-call';
import type { AppChannel } from './app-channel';

/** One probe: resolves true when the app answered healthy; must settle once `signal` aborts. */
export type ProbeFn = (signal: AbortSignal) => Promise<boolean>;

export interface AppHealthOptions {
  probe: ProbeFn;
  intervalMs: number;
  timeoutMs: number;
  threshold: number;
  logger: Pick<Logger, 'info' | 'warn' | 'debug' | 'error'>;
}

export type HealthListener = (healthy: boolean) => void | Promise<void>;

/** daprd's message for a call to an app that is not healthy (messages.ErrAppUnhealthy, as a gRPC status). */
export const APP_UNHEALTHY_DETAIL = 'rpc error: code = Internal desc = app is not in a healthy state';

export class AppHealth {
  private failures: number;
  private readonly listeners: HealthListener[] = [];
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private queued = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private notifying: Promise<void> = Promise.resolve();

  constructor(private readonly o: AppHealthOptions) {
    this.failures = o.threshold;
  }

  get healthy(): boolean {
    return this.failures < this.o.threshold;
  }

  /** Called on every transition, in order; a listener's promise is awaited before the next one runs. Returns a remover. */
  onChange(listener: HealthListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Probes now, then every interval until stop(). */
  start(): void {
    if (this.stopped || this.timer) return;
    this.o.logger.info('App health probes starting');
    this.timer = setInterval(() => this.enqueue(), this.o.intervalMs);
    this.timer.unref();
    this.enqueue();
  }

  /** Stops probing; an in-flight probe is aborted and its result ignored. Waits for pending notifications. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.o.logger.info('App health probes stopping');
    }
    this.abort.abort();
    await this.probing;
    await this.notifying;
  }

  /** Resolves true once the app is healthy, false if the prober stops or `signal` aborts first. */
  waitHealthy(signal?: AbortSignal): Promise<boolean> {
    if (this.healthy) return Promise.resolve(true);
    if (this.stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (v: boolean): void => {
        signal?.removeEventListener('abort', onAbort);
        this.abort.signal.removeEventListener('abort', onAbort);
        remove();
        resolve(v);
      };
      const onAbort = (): void => done(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.abort.signal.addEventListener('abort', onAbort, { once: true });
      const remove = this.onChange((healthy) => {
        if (healthy) done(true);
      });
    });
  }

  /** Runs one probe now (or queues one behind the probe in flight) and resolves when it is recorded. */
  enqueue(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.probing) {
      this.queued = true;
      return this.probing;
    }
    this.probing = this.runProbes().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async runProbes(): Promise<void> {
    do {
      this.queued = false;
      await this.probeOnce();
    } while (this.queued && !this.stopped);
  }

  private async probeOnce(): Promise<void> {
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const signal = AbortSignal.any([timeout, this.abort.signal]);
    let ok: boolean;
    try {
      ok = await this.o.probe(signal);
    } catch (err) {
      this.o.logger.error({ err }, `App health probe could not complete with error: ${(err as Error).message}`);
      ok = false;
    }
    if (this.stopped) return;
    this.o.logger.debug(`App health probe successful: ${ok}`);
    this.record(ok);
  }

  private record(ok: boolean): void {
    const { threshold } = this.o;
    if (ok) {
      const was = this.failures;
      this.failures = 0;
      if (was >= threshold) {
        this.o.logger.info('App entered healthy status');
        this.notify(true);
      }
      return;
    }
    if (this.failures < threshold) {
      this.failures++;
      if (this.failures === threshold) {
        this.o.logger.warn('App entered un-healthy status');
        this.notify(false);
      }
    }
  }

  private notify(healthy: boolean): void {
    const listeners = [...this.listeners];
    this.notifying = this.notifying.then(async () => {
      for (const l of listeners) {
        try {
          await l(healthy);
        } catch (err) {
          this.o.logger.error({ err }, `reacting to the app's health change failed`);
        }
      }
    });
  }
}

/** The HTTP probe: `GET path` over the app channel; 2xx is healthy, anything else (or no answer) is not. */
export function httpProbe(channel: AppChannel, path: string): ProbeFn {
  const p = path.startsWith('/') ? path : `/${path}`;
  return async (signal) => {
    try {
      const answer = await callApp(channel, 'GET', p, {}, { signal, maxBytes: 64 * 1024 });
      return answer.status >= 200 && answer.status < 300;
    } catch {
      return false;
    }
  };
}
