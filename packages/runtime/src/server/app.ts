/**
 * @module server/app
 * createApp(deps) → the HTTP request listener of the public API (what supertest drives).
 * Per request: clean the path, check the API token, route through the endpoint tables, fall back to
 * service invocation, write every error through respondError, log and count the call.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { posix } from 'node:path';
import { handleInvoke } from '../api/http/invoke';
import { httpApiTables } from '../api/http/tables';
import { tokenDigest, tokenMatches } from '../security/token';
import { traceApiCall } from '../tracing/api-span';
import type { AppDeps } from './deps';
import type { Endpoint, RequestContext } from './endpoints';
import { guardFor } from './request-guard';
import { respondError, respondUnauthorized } from './respond';
import { Router, paramsAsSent } from './router';

/** Every endpoint of the public API, from the one list of HTTP API tables (api/http/tables.ts). */
export function allEndpoints(): Endpoint[] {
  return httpApiTables.flatMap((table) => table());
}

const TOKEN_EXEMPT = new Set(['v1.0/healthz', 'v1.0/healthz/outbound']);

/** chi-style cleaning of the still-escaped path: `//` collapsed, `.`/`..` resolved, trailing `/` dropped. */
export function cleanPath(rawPath: string): string {
  if (rawPath === '' || rawPath === '/') return '/';
  let p = rawPath.includes('//') || rawPath.includes('/.') ? posix.normalize(rawPath.startsWith('/') ? rawPath : '/' + rawPath) : rawPath;
  if (!p.startsWith('/')) p = '/' + p;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export function createApp(deps: AppDeps, endpoints: Endpoint[] = allEndpoints()): RequestListener {
  const router = new Router<Endpoint>();
  for (const e of endpoints) router.add(e.methods, e.route, e);
  const token = deps.options.apiToken ? tokenDigest(deps.options.apiToken) : undefined;
  const log = deps.logger;
  const guard = deps.guard ?? guardFor(deps.options);
  const fallback: Endpoint = { name: 'InvokeServiceFallback', group: 'invoke', methods: [], route: '', handler: handleInvoke };

  return (req: IncomingMessage, res: ServerResponse) => {
    const started = deps.apiLogging || deps.metrics ? process.hrtime.bigint() : 0n;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q >= 0 ? url.slice(0, q) : url;
    const rawQuery = q >= 0 ? url.slice(q) : '';
    const path = cleanPath(rawPath);
    const method = req.method ?? 'GET';

    if (deps.apiLogging || deps.metrics) {
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        deps.metrics?.observe(method, res.statusCode, seconds);
        if (deps.apiLogging) {
          log.info(
            { method: `${method} ${path}`, code: res.statusCode, size: Number(res.getHeader('content-length') ?? 0), duration: Math.round(seconds * 1e6) / 1e3, useragent: req.headers['user-agent'] ?? '' },
            'HTTP API Called',
          );
        }
      });
    }

    if (guard.handle(req, res)) return;

    if (token) {
      const exempt = method === 'GET' && TOKEN_EXEMPT.has(path.replace(/^\/+|\/+$/g, ''));
      if (!exempt && !tokenMatches(token, req.headers['dapr-api-token'])) {
        respondUnauthorized(res);
        req.resume();
        return;
      }
    }

    const segments = path === '/' ? [] : path.slice(1).split('/'); // cleanPath left no empty segment
    const match = router.match(method, segments);
    const endpoint = match?.value ?? fallback;
    const params = match && endpoint.paramsAsSent ? paramsAsSent(endpoint.route, rawPath, path) : (match?.params ?? {});
    if (deps.tracing) traceApiCall(deps.tracing, { method, path, group: endpoint.group, params }, req, res);
    const ctx: RequestContext = { req, res, params, rawParams: match?.rawParams, rawQuery, path, rawPath, deps };
    let result: Promise<void> | void;
    try {
      result = endpoint.handler(ctx);
    } catch (err) {
      respondError(res, err, log);
      req.resume();
      return;
    }
    if (result && typeof result.then === 'function') {
      result.then(undefined, (err: unknown) => {
        respondError(res, err, log);
        if (!req.complete) req.resume();
      });
    }
  };
}
