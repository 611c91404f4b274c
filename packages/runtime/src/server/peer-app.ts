/**
 * @module server/peer-app
 * createPeerApp(deps) → the request listener of the sidecar-to-sidecar port: the shared Host/Origin
 * guard, the peer gate (mTLS identity or API token), then the internal endpoint table; a verb no
 * route names still reaches CallLocal (the app decides). Every error is written by respondError.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { handleCallLocal, internalEndpoints } from '../api/internal/invoke';
import { cleanPath } from './app';
import type { AppDeps } from './deps';
import type { Endpoint, RequestContext } from './endpoints';
import { guardFor } from './request-guard';
import { respondError } from './respond';
import { Router } from './router';
import { tracePeerCall } from '../tracing/peer-span';

export type PeerGate = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createPeerApp(deps: AppDeps, gate: PeerGate, endpoints: Endpoint[] = internalEndpoints()): RequestListener {
  const router = new Router<Endpoint>();
  for (const e of endpoints) router.add(e.methods, e.route, e);
  const guard = deps.guard ?? guardFor(deps.options);
  const fallback: Endpoint = { name: 'CallLocal', group: 'invoke', methods: [], route: '', handler: handleCallLocal };
  return (req, res) => {
    if (guard.handle(req, res)) return;
    if (!gate(req, res)) return;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q >= 0 ? url.slice(0, q) : url;
    const path = cleanPath(rawPath);
    const match = router.match(req.method ?? 'GET', path === '/' ? [] : path.slice(1).split('/'));
    if (deps.tracing) tracePeerCall(deps.tracing, deps.options.appId, req, res, rawPath);
    const ctx: RequestContext = { req, res, params: match?.params ?? {}, rawQuery: q >= 0 ? url.slice(q) : '', path, rawPath, deps };
    Promise.resolve()
      .then(() => (match?.value ?? fallback).handler(ctx))
      .catch((err: unknown) => {
        respondError(res, err, deps.logger);
        if (!req.complete) req.resume();
      });
  };
}
