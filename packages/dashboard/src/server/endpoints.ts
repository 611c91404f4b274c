/**
 * @module server/endpoints
 * The dashboard's JSON API as one table (DASHBOARD-API.md §3 / docs/api.md): stable names,
 * methods, routes and handlers. Handlers return the JSON body, throw HttpError, or return
 * STREAMING after opening a server-sent event stream.
 */
import { appDetail, findApp, listApps, registeredApps } from './apps';
import type { DashboardContext } from './context';
import { explore } from './explorer';
import { toSidecarRequest } from './explore-request';
import { buildGraph, DEFAULT_GRAPH_LOOKBACK_MS } from './graph';
import { LogFollower } from './log-tail';
import { containerLogsAnswer, parseSourceParam, parseTailParam, readLogs, logSources } from './logs';
import { listComponents, listConfigurations } from './resources';
import { badRequest, notFound } from './respond';
import { STREAMING, type ApiCall, type Endpoint } from './router';
import { findTraces, parseTraceFilter, summarize } from './traces';

export const DEFAULT_METRICS_WINDOW_S = 300;

function positiveNumber(q: URLSearchParams, name: string, fallback: number, max: number): number {
  const v = q.get(name);
  if (v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw badRequest(`${name}: must be a number above 0 and at most ${max} (got "${v}")`);
  return n;
}

function appOr404(ctx: DashboardContext, appId: string) {
  const app = findApp(ctx, appId);
  if (!app) throw notFound(`app id ${appId} is not running`);
  return app;
}

export function graphNow(ctx: DashboardContext, lookbackMs: number) {
  return buildGraph(ctx.store.spansSince(Date.now() - lookbackMs), lookbackMs);
}

function logStream({ req, res, params, query }: ApiCall, ctx: DashboardContext): typeof STREAMING {
  const app = appOr404(ctx, params.appId as string);
  const { sources } = logSources(app.running, parseSourceParam(query.get('source')));
  const client = ctx.sse.open(req, res);
  if (app.static) client.send('note', { text: containerLogsAnswer(app.running.appId, app.static.host).note });
  const followers = sources.map((s) => new LogFollower(s.path, (text) => client.send('log', { source: s.source, text })));
  const timer = setInterval(() => followers.forEach((f) => f.poll()), ctx.logPollMs);
  timer.unref();
  client.onClose(() => clearInterval(timer));
  return STREAMING;
}

export const ENDPOINTS: ReadonlyArray<Endpoint<DashboardContext>> = [
  {
    name: 'GetOverview',
    method: 'GET',
    route: '/api/overview',
    handler: async (_c, ctx) => ({
      version: ctx.version,
      home: ctx.home,
      collector: { ...ctx.collector, spans: ctx.store.count() },
      apps: registeredApps(ctx).length,
    }),
  },
  { name: 'ListApps', method: 'GET', route: '/api/apps', handler: (_c, ctx) => listApps(ctx) },
  { name: 'GetApp', method: 'GET', route: '/api/apps/:appId', handler: ({ params }, ctx) => appDetail(appOr404(ctx, params.appId as string)) },
  {
    name: 'GetAppLogs',
    method: 'GET',
    route: '/api/apps/:appId/logs',
    handler: async ({ params, query }, ctx) => {
      const app = appOr404(ctx, params.appId as string);
      const wanted = parseSourceParam(query.get('source'));
      const tail = parseTailParam(query.get('tail'));
      return app.static ? containerLogsAnswer(app.running.appId, app.static.host) : readLogs(app.running, wanted, tail);
    },
  },
  { name: 'StreamAppLogs', method: 'GET', route: '/api/apps/:appId/logs/stream', handler: async (c, ctx) => logStream(c, ctx) },
  {
    name: 'Explore',
    method: 'POST',
    route: '/api/apps/:appId/explore',
    handler: async ({ params, json }, ctx) => {
      const app = appOr404(ctx, params.appId as string);
      return explore(app.target, toSidecarRequest(await json()));
    },
  },
  { name: 'ListComponents', method: 'GET', route: '/api/components', handler: (_c, ctx) => listComponents(registeredApps(ctx)) },
  { name: 'ListConfigurations', method: 'GET', route: '/api/configurations', handler: async (_c, ctx) => listConfigurations(registeredApps(ctx)) },
  { name: 'ListTraces', method: 'GET', route: '/api/traces', handler: async ({ query }, ctx) => findTraces(ctx.store, parseTraceFilter(query)) },
  {
    name: 'GetTrace',
    method: 'GET',
    route: '/api/traces/:traceId',
    handler: async ({ params }, ctx) => {
      const id = (params.traceId as string).toLowerCase();
      if (!/^[0-9a-f]{16}([0-9a-f]{16})?$/.test(id)) throw badRequest('traceId: must be 16 or 32 hex digits');
      const spans = ctx.store.trace(id);
      if (!spans || spans.length === 0) throw notFound(`trace ${id} not found`);
      return { traceId: id, spans, summary: summarize(spans) };
    },
  },
  {
    name: 'GetGraph',
    method: 'GET',
    route: '/api/graph',
    handler: async ({ query }, ctx) => graphNow(ctx, positiveNumber(query, 'lookbackMs', DEFAULT_GRAPH_LOOKBACK_MS, 30 * 86400000)),
  },
  {
    name: 'GetMetrics',
    method: 'GET',
    route: '/api/metrics',
    handler: async ({ query }, ctx) => ctx.metrics.snapshot(positiveNumber(query, 'windowSec', DEFAULT_METRICS_WINDOW_S, 86400)),
  },
  {
    name: 'StreamEvents',
    method: 'GET',
    route: '/api/events',
    handler: async ({ req, res }, ctx) => {
      await ctx.live.add(ctx.sse.open(req, res));
      return STREAMING;
    },
  },
];
