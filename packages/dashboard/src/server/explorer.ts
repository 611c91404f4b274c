/**
 * @module server/explorer
 * Sends one explorer request through an app's sidecar with the dashboard's own sampled
 * `traceparent`, so the trace it produced is recorded and can be opened by its id.
 */
import { randomBytes } from 'node:crypto';
import { HttpError } from './respond';
import { sidecarUrl, targetUrl, tokenHeaders, type SidecarTarget } from './sidecar-client';
import type { SidecarRequest } from './explore-request';

export const EXPLORE_TIMEOUT_MS = 30000;

export interface ExploreResult {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body: string; durationMs: number };
  traceId: string;
}

/** A W3C traceparent with the sampled flag: `00-<32 hex>-<16 hex>-01`. */
export function newTraceparent(): { traceId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

export async function explore(target: SidecarTarget, r: SidecarRequest, timeoutMs = EXPLORE_TIMEOUT_MS): Promise<ExploreResult> {
  const { traceId, traceparent } = newTraceparent();
  let url = sidecarUrl(target, r.path);
  const headers = { ...r.headers, traceparent };
  let started = performance.now();
  let res: Response;
  let body: string;
  try {
    url = await targetUrl(target, r.path);
    started = performance.now();
    res = await fetch(url, { method: r.method, headers: { ...headers, ...tokenHeaders(target) }, body: r.body, signal: AbortSignal.timeout(timeoutMs) });
    body = await res.text();
  } catch (err) {
    throw new HttpError(502, `the sidecar on port ${target.httpPort} did not answer ${r.method} ${r.path}: ${(err as Error).message}`);
  }
  const durationMs = Math.round((performance.now() - started) * 100) / 100;
  const resHeaders: Record<string, string> = {};
  res.headers.forEach((v, k) => (resHeaders[k] = v));
  return {
    request: { method: r.method, url, headers, ...(r.body !== undefined ? { body: r.body } : {}) },
    response: { status: res.status, headers: resHeaders, body, durationMs },
    traceId,
  };
}
