/**
 * @module server/dashboard
 * `startDashboard`: the node:http server of `minidapr dashboard` — the JSON API and SSE under
 * /api, the built UI for everything else — plus the embedded collector, the metrics scraper and
 * the live-event feed, all stopped by close().
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RUNTIME_VERSION } from '@minidapr/runtime';
import { registeredApps, listApps } from './apps';
import { BrowserGuard } from './browser-guard';
import { defaultCollectorBackend } from './collector-backend';
import { CollectorListenError } from '../collector';
import type { DashboardContext } from './context';
import { ENDPOINTS, DEFAULT_METRICS_WINDOW_S, graphNow } from './endpoints';
import { DEFAULT_GRAPH_LOOKBACK_MS } from './graph';
import { LiveEvents } from './live-events';
import { MetricsScraper } from './metrics-scraper';
import { DEFAULT_DASHBOARD_HOST, DEFAULT_DASHBOARD_PORT, DEFAULT_OTLP_PORT, DEFAULT_ZIPKIN_PORT, defaultWebDir, type DashboardOptions } from './options';
import { HttpError, respondError, respondJSON } from './respond';
import { matchRoute, readJSON, STREAMING } from './router';
import type { RunningCollector, SpanStore } from './span-store-types';
import { SseClients } from './sse';
import { serveStatic } from './static-files';
import { findTraces } from './traces';

export interface RunningDashboard {
  url: string;
  port: number;
  collector?: RunningCollector;
  close(): Promise<void>;
}

/** Traces pushed on the live feed. */
const LIVE_TRACES = 20;

/** A listen failure that names the port (EADDRINUSE, EACCES…). */
export class ListenError extends Error {
  readonly code: string;
  readonly port: number;
  readonly what: string;
  constructor(what: string, port: number, cause: NodeJS.ErrnoException) {
    super(cause.code === 'EADDRINUSE' ? `${what}: port ${port} is already in use` : `${what}: cannot listen on port ${port}: ${cause.message}`);
    this.name = 'ListenError';
    this.code = cause.code ?? 'ERROR';
    this.port = port;
    this.what = what;
  }
}

function handle(ctx: DashboardContext, guard: BrowserGuard, webDir: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  const path = url.pathname;
  if (path !== '/api' && !path.startsWith('/api/')) {
    serveStatic(webDir, req, res, path);
    return;
  }
  void (async () => {
    guard.check(req);
    let matchedPath = false;
    for (const ep of ENDPOINTS) {
      const params = matchRoute(ep.route, path);
      if (!params) continue;
      matchedPath = true;
      if (ep.method !== req.method && !(ep.method === 'GET' && req.method === 'HEAD')) continue;
      const result = await ep.handler({ req, res, params, query: url.searchParams, json: () => readJSON(req) }, ctx);
      if (result !== STREAMING) respondJSON(res, 200, result);
      return;
    }
    throw matchedPath ? new HttpError(405, `${req.method} is not allowed on ${path}`) : new HttpError(404, `no API endpoint ${path}`);
  })().catch((err: unknown) => respondError(res, err));
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(new ListenError('dashboard', port, err));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the dashboard (and, unless `collector: false`, the embedded collector).
 * @example
 * const d = await startDashboard({ home, port: 0, collector: { zipkinPort: 0, otlpPort: null } });
 * console.log(d.url); await d.close();
 */
export async function startDashboard(o: DashboardOptions): Promise<RunningDashboard> {
  const host = o.host ?? DEFAULT_DASHBOARD_HOST;
  const backend = o.collectorBackend ?? defaultCollectorBackend;
  const ownStore = o.spanStore === undefined;
  const store: SpanStore = o.spanStore ?? backend.openSpanStore({ path: backend.defaultSpanStorePath(o.home) });
  const sse = new SseClients();
  const source = { home: o.home, apiToken: o.apiToken, sidecars: o.sidecars ?? [], since: new Date() };
  const metrics = new MetricsScraper(() => registeredApps(source), o.metricsIntervalMs);
  const ctx: DashboardContext = {
    ...source,
    version: RUNTIME_VERSION,
    store,
    collector: { enabled: false },
    metrics,
    sse,
    logPollMs: o.logPollMs ?? 500,
    live: new LiveEvents(
      {
        apps: () => listApps(source),
        traces: () => findTraces(store, { limit: LIVE_TRACES }),
        graph: () => graphNow(ctx, DEFAULT_GRAPH_LOOKBACK_MS),
        metrics: () => metrics.snapshot(DEFAULT_METRICS_WINDOW_S),
      },
      o.eventsIntervalMs,
    ),
  };
  const guard = new BrowserGuard(host);
  const server = http.createServer((req, res) => handle(ctx, guard, o.webDir ?? defaultWebDir(), req, res));
  let collector: RunningCollector | undefined;
  let port: number;
  try {
    port = await listen(server, host, o.port ?? DEFAULT_DASHBOARD_PORT);
    if (o.collector !== false) {
      const zipkinPort = o.collector?.zipkinPort ?? DEFAULT_ZIPKIN_PORT;
      const otlpPort = o.collector?.otlpPort === undefined ? DEFAULT_OTLP_PORT : o.collector.otlpPort;
      try {
        collector = await backend.startCollector({ store, host, zipkinPort, otlpPort });
      } catch (err) {
        // The collector names the port that failed and keeps Node's listen error as the cause;
        // injected backends may reject with Node's error itself.
        if (err instanceof CollectorListenError) throw new ListenError('collector', err.port, err.cause as NodeJS.ErrnoException);
        const e = err as NodeJS.ErrnoException & { port?: number };
        throw e.code ? new ListenError('collector', e.port ?? zipkinPort, e) : err;
      }
      ctx.collector = { enabled: true, zipkinPort: collector.zipkinPort, otlpPort: collector.otlpPort };
    }
  } catch (err) {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    if (ownStore) store.close();
    throw err;
  }
  metrics.start();
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    collector,
    close: () =>
      (closing ??= (async () => {
        sse.closeAll();
        await ctx.live.close();
        await metrics.stop();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        await collector?.close();
        if (ownStore) store.close();
      })()),
  };
}
