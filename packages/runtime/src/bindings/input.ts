/**
 * @module bindings/input
 * Reads input bindings and posts their events to the app (daprd's HTTP app channel for bindings):
 * - only started when there is an app port (the runtime decides);
 * - unless `direction` names `input` explicitly, `OPTIONS /<route>` first: 2xx or 405 → read, any
 *   other status → not read; a transport error or timeout (optionsTimeoutMs, daprd's
 *   --app-binding-options-timeout) stops the start loop (as daprd);
 * - each event: `POST /<route>`, `Content-Type: application/json`, event metadata as headers,
 *   `traceparent`, the app token; bounded by --app-max-concurrency; the app's answer is read up to
 *   --max-body-size bytes (the rest is dropped);
 * - retry policy (minidaprd's, daprd has none without a Resiliency): a transport error or a non-2xx
 *   answer is retried up to DELIVERY_ATTEMPTS times in all, waiting RETRY_BASE_MS, then twice as
 *   long each time; the last failure is returned to the component (its read handler rejects);
 * - with a Resiliency inbound policy on the binding, that policy replaces minidaprd's loop, as
 *   daprd runs it: only a 200 answer ends the retries; after them a 2xx still counts as delivered;
 * - stop(): stop reading first, then let in-flight posts finish within the grace period;
 * - pause() (the app turned unhealthy) stops reading without draining; resume() probes and reads
 *   again (daprd StopReadingFromBindings / StartReadingFromBindings). Start, pause and resume run in order.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { HttpAppCallbacks } from '../app-channel/http';
import type { AppCallbacks } from '../app-channel/types';
import type { InputBinding, InputEvent } from '../components/bindings/contract';
import type { ComponentStore } from '../components/store';
import { callApp, metadataHeaders, type AppAnswer } from '../invoke/app-call';
import type { AppChannel } from '../invoke/app-channel';
import { ensureTraceparent } from '../invoke/trace';
import type { Logger } from '../logger';
import { startInputBindingSpan } from '../tracing/callback-span';
import type { Tracing } from '../tracing/tracer';
import { DEFAULT_APP_BINDING_OPTIONS_TIMEOUT_MS } from '../options';
import { inboundRunner, type ResiliencyGetter } from '../pubsub/inbound';
import type { PolicyRunner } from '../resiliency/runner';
import { bindingSides, inputRoute } from './direction';

export const DELIVERY_ATTEMPTS = 3;
export const RETRY_BASE_MS = 250;
export const OPTIONS_TIMEOUT_MS = DEFAULT_APP_BINDING_OPTIONS_TIMEOUT_MS;
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface InputBindingsOptions {
  /** The app, whatever its protocol; without it, `channel` is used as an HTTP app. */
  app?: AppCallbacks;
  /** The HTTP app channel (the OPTIONS probe of HTTP apps goes through it). */
  channel?: AppChannel;
  logger: Logger;
  attempts?: number;
  retryBaseMs?: number;
  /** The OPTIONS probe's timeout: --app-binding-options-timeout (default OPTIONS_TIMEOUT_MS). */
  optionsTimeoutMs?: number;
  /** Cap on the app's answer bytes (the runtime passes --max-body-size). */
  maxResponseBytes?: number;
  /** The sidecar's tracer once configured (none: sampling 0). */
  tracing?(): Tracing | undefined;
  /** The loaded resiliency policies: a binding's inbound policy replaces the retry loop above. */
  resiliency?: ResiliencyGetter;
}

function encodePath(route: string): string {
  return '/' + route.split('/').map((s) => encodeURIComponent(decodeURIComponentSafe(s))).join('/');
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface Reading {
  name: string;
  stop: () => Promise<void>;
}

/** The input bindings of one sidecar: start() probes and reads, stop() stops reading and drains. */
export class InputBindings {
  private readonly reading: Reading[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private stopping = false;
  /** Aborted by stop(): policy retries in progress give up. */
  private readonly stopped = new AbortController();
  private paused = false;
  private started: { store: ComponentStore; signal?: AbortSignal } | undefined;
  private order: Promise<void> = Promise.resolve();
  /** Names of the bindings being read. */
  readonly names: string[] = [];

  private readonly maxBytes: number;
  private readonly app: AppCallbacks;
  /** A gRPC app's ListInputBindings answer, asked once (as daprd). */
  private subscribed: Promise<string[]> | undefined;

  constructor(private readonly o: InputBindingsOptions) {
    this.maxBytes = o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (o.app) this.app = o.app;
    else if (o.channel) this.app = new HttpAppCallbacks(o.channel, { logger: o.logger, maxResponseBytes: this.maxBytes });
    else throw new Error('input bindings need the app callbacks or an app channel');
  }

  start(store: ComponentStore, signal?: AbortSignal): Promise<void> {
    return this.inOrder(async () => {
      this.started = { store, signal };
      if (!this.paused) await this.startReading(store, signal);
    });
  }

  /** Stops reading until resume(); in-flight posts finish on their own. */
  pause(): Promise<void> {
    return this.inOrder(async () => {
      if (this.paused || this.stopping) return;
      this.paused = true;
      const readers = this.reading.splice(0);
      this.names.splice(0);
      await Promise.allSettled(readers.map((r) => r.stop()));
      if (readers.length > 0) this.o.logger.info(`stopped reading ${readers.length} input binding(s)`);
    });
  }

  /** Probes and reads the input bindings again. */
  resume(): Promise<void> {
    return this.inOrder(async () => {
      if (!this.paused || this.stopping) return;
      this.paused = false;
      if (this.started) await this.startReading(this.started.store, this.started.signal);
    });
  }

  private inOrder(op: () => Promise<void>): Promise<void> {
    const next = this.order.then(op);
    this.order = next.catch(() => {});
    return next;
  }

  private async startReading(store: ComponentStore, signal?: AbortSignal): Promise<void> {
    const log = this.o.logger;
    for (const { manifest, instance, settings } of store.all()) {
      if (this.stopping || this.paused || signal?.aborted) return;
      if (manifest.category !== 'bindings') continue;
      const sides = bindingSides(manifest, instance, settings.bindings);
      if (!sides.input) continue;
      const name = manifest.name;
      const route = inputRoute(manifest, settings.bindings);
      const path = encodePath(route);
      if (!sides.explicitInput) {
        const listInputBindings = this.app.listInputBindings?.bind(this.app);
        if (listInputBindings) {
          // gRPC apps name the bindings they take (daprd asks ListInputBindings once).
          this.subscribed ??= listInputBindings(signal).catch((err: unknown) => {
            log.warn(`ListInputBindings failed: ${(err as Error).message}; no input binding is read`);
            return [];
          });
          if (!(await this.subscribed).includes(name)) {
            log.info(`app does not accept input binding "${name}": ListInputBindings does not name it; not reading it (set metadata direction: input to skip this check)`);
            continue;
          }
        } else {
          const channel = this.o.channel ?? (this.app as HttpAppCallbacks).channel;
          let answer: AppAnswer;
          try {
            answer = await callApp(channel, 'OPTIONS', path, { 'content-type': 'application/json' }, { timeoutMs: this.o.optionsTimeoutMs ?? OPTIONS_TIMEOUT_MS, maxBytes: this.maxBytes });
          } catch (err) {
            log.warn(`failed to read from bindings: probing OPTIONS ${path} for input binding "${name}" failed: ${(err as Error).message}; no further input bindings are started`);
            return;
          }
          if (!((answer.status >= 200 && answer.status < 300) || answer.status === 405)) {
            log.info(`app does not accept input binding "${name}": OPTIONS ${path} answered ${answer.status}; not reading it (set metadata direction: input to skip this check)`);
            continue;
          }
        }
      }
      const binding = instance as unknown as InputBinding;
      try {
        const stop = await binding.read((event) => this.handle(name, path, event));
        if (this.stopping || this.paused) {
          await stop();
          return;
        }
        this.reading.push({ name, stop });
        this.names.push(name);
        log.info(`reading input binding "${name}" (${manifest.type}); events go to ${this.app.protocol === 'grpc' ? 'OnBindingEvent' : `POST ${path}`}`);
      } catch (err) {
        log.error({ err }, `input binding "${name}": starting to read failed`);
      }
    }
  }

  /** Stops reading, then waits for in-flight deliveries (at most graceMs; pending retries are dropped). */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.wake();
    }
    const readers = this.reading.splice(0);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
    await Promise.race([Promise.allSettled(readers.map((r) => r.stop())), deadline]);
    if (this.inFlight.size > 0) await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    clearTimeout(timer);
  }

  private handle(name: string, path: string, event: InputEvent): Promise<Buffer | undefined> {
    if (this.stopping) return Promise.reject(new Error('the sidecar is shutting down'));
    if (this.paused) return Promise.reject(new Error('the app is not in a healthy state'));
    const p = this.deliver(name, path, event);
    this.inFlight.add(p);
    void p.then(
      () => this.inFlight.delete(p),
      () => this.inFlight.delete(p),
    );
    return p;
  }

  private async deliver(name: string, path: string, event: InputEvent): Promise<Buffer | undefined> {
    const attempts = Math.max(1, this.o.attempts ?? DELIVERY_ATTEMPTS);
    const base = this.o.retryBaseMs ?? RETRY_BASE_MS;
    const headers = metadataHeaders(event.metadata);
    const span = startInputBindingSpan(this.o.tracing?.(), name, path, event.metadata.traceparent, event.metadata.tracestate);
    headers.traceparent = span ? span.traceparent : ensureTraceparent(event.metadata.traceparent);
    if (span?.tracestate) headers.tracestate = span.tracestate;
    headers['content-type'] = 'application/json';
    headers['content-length'] = event.data.length;
    let failure: string | undefined;
    try {
      const runner = inboundRunner(this.o.resiliency, name, 'bindings');
      if (!runner.noop) return await this.underPolicy(runner, name, path, event, headers);
      return await this.attempts(name, path, event, headers, attempts, base);
    } catch (err) {
      failure = (err as Error).message;
      throw err;
    } finally {
      span?.end(undefined, failure);
    }
  }

  private async attempts(name: string, path: string, event: InputEvent, headers: OutgoingHttpHeaders, attempts: number, base: number): Promise<Buffer | undefined> {
    let lastError: Error = new Error('not delivered');
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const release = await this.app.acquire();
      try {
        const answer = await this.app.deliverBinding(name, path, event.data, event.metadata, { ...headers });
        if (answer.ok) return answer.body;
        lastError = new Error(describe(path, answer));
      } catch (err) {
        lastError = new Error(`POST ${path} failed: ${(err as Error).message}`);
      } finally {
        release();
      }
      if (attempt === attempts || this.stopping) break;
      this.o.logger.debug(`input binding "${name}": ${lastError.message}; retrying (attempt ${attempt + 1} of ${attempts})`);
      await this.sleep(base * 2 ** (attempt - 1));
      if (this.stopping) break;
    }
    this.o.logger.warn(`input binding "${name}": event not delivered: ${lastError.message}`);
    throw lastError;
  }

  /**
   * daprd's delivery under the binding's inbound policy: a transport error or an answer other than
   * 200 (HTTP apps; gRPC apps: an error) fails the attempt, its status what `matching` sees. Once the
   * policy gives up, a 2xx answer still counts as delivered, anything else is the component's error.
   */
  private async underPolicy(runner: PolicyRunner, name: string, path: string, event: InputEvent, headers: OutgoingHttpHeaders): Promise<Buffer | undefined> {
    const http = this.app.protocol === 'http';
    let answer: Awaited<ReturnType<AppCallbacks['deliverBinding']>>;
    try {
      answer = await runner.run(
        async () => {
          const release = await this.app.acquire();
          try {
            return await this.app.deliverBinding(name, path, event.data, event.metadata, { ...headers });
          } finally {
            release();
          }
        },
        {
          signal: this.stopped.signal,
          resultStatus: (a) => (http ? (a.status === 200 ? undefined : { httpStatus: a.status }) : a.ok ? undefined : {}),
          onRetry: (attempt, reason) => this.o.logger.debug(`input binding "${name}": ${describe(path, reason)}; retrying (retry ${attempt})`),
        },
      );
    } catch (err) {
      const failure = new Error(`POST ${path} failed: ${(err as Error).message}`);
      this.o.logger.warn(`input binding "${name}": event not delivered: ${failure.message}`);
      throw failure;
    }
    if (answer.ok) return answer.body;
    const failure = new Error(describe(path, answer));
    this.o.logger.warn(`input binding "${name}": event not delivered: ${failure.message}`);
    throw failure;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => (this.timers.delete(entry), resolve()), ms), wake: resolve };
      this.timers.add(entry);
    });
  }
}

/** Why an answer is a failure, for errors and logs. */
function describe(path: string, reason: unknown): string {
  const a = reason as { error?: string; status?: number; body?: Buffer; httpStatus?: number } | undefined;
  if (a?.error !== undefined) return a.error;
  if (a?.status !== undefined) return `app answered ${a.status} to POST ${path}${a.body && a.body.length > 0 ? `: ${a.body.toString('utf8', 0, 512)}` : ''}`;
  if (a?.httpStatus !== undefined) return `app answered ${a.httpStatus} to POST ${path}`;
  return reason instanceof Error ? `POST ${path} failed: ${reason.message}` : `POST ${path} failed`;
}
