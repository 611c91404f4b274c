/**
 * @module api/client
 * Fetch helpers for the dashboard API. URLs are relative ("api/…") so the UI works under any path
 * prefix; every failure becomes an ApiError carrying the server's `{ error }` text when there is one.
 */
import type { AppDetail, App, ExploreRequest, ExploreResult, Graph, Logs, Metrics, Overview, Resource, Trace, TraceFilter, TraceSummary, LogSource } from './types';

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Base of the API: the directory the page was loaded from. */
export function apiUrl(path: string): string {
  return new URL(`api/${path}`, document.baseURI).toString();
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path), { ...init, headers: { accept: 'application/json', ...(init?.headers ?? {}) } });
  } catch (err) {
    throw new ApiError(`cannot reach the dashboard server (${(err as Error).message})`, 0);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: reported below when the status says it failed */
  }
  if (!res.ok) {
    const msg = body && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : text || res.statusText;
    throw new ApiError(`${res.status}: ${msg}`, res.status);
  }
  return body as T;
}

export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

export const api = {
  overview: () => request<Overview>('overview'),
  apps: () => request<App[]>('apps'),
  app: (appId: string) => request<AppDetail>(`apps/${enc(appId)}`),
  logs: (appId: string, source: LogSource | 'all', tail = 200) => request<Logs>(`apps/${enc(appId)}/logs${queryString({ source, tail })}`),
  logStreamUrl: (appId: string, source: LogSource | 'all') => apiUrl(`apps/${enc(appId)}/logs/stream${queryString({ source })}`),
  explore: (appId: string, body: ExploreRequest) =>
    request<ExploreResult>(`apps/${enc(appId)}/explore`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  components: () => request<Resource[]>('components'),
  configurations: () => request<Resource[]>('configurations'),
  traces: (f: TraceFilter) =>
    request<TraceSummary[]>(`traces${queryString({ service: f.service, operation: f.operation, status: f.status, minDurationMs: f.minDurationMs, lookbackMs: f.lookbackMs, limit: f.limit })}`),
  trace: (traceId: string) => request<Trace>(`traces/${enc(traceId)}`),
  graph: (lookbackMs = 300000) => request<Graph>(`graph${queryString({ lookbackMs })}`),
  metrics: (windowSec = 300) => request<Metrics>(`metrics${queryString({ windowSec })}`),
  eventsUrl: () => apiUrl('events'),
};
