/**
 * @module server/endpoints
 * Endpoint records (Dapr's endpoint tables) and the per-request context handlers receive.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from './deps';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  /** The route's parameters still escaped (the segments as matched on the cleaned path). */
  rawParams?: Record<string, string>;
  /** The raw query string including `?`, or '' */
  rawQuery: string;
  /** The cleaned, still-escaped path. */
  path: string;
  /** The path exactly as sent (escaped, not cleaned): invocation normalises it itself. */
  rawPath: string;
  deps: AppDeps;
}

export interface Endpoint {
  /** Stable name as in daprd (GetState, InvokeService, …). */
  name: string;
  /** API group for allow lists and logs (state, invoke, metadata, healthz, …). */
  group: string;
  methods: readonly string[];
  /** Route pattern: `:param` one segment, `*rest` the remainder. */
  route: string;
  /**
   * Parameters are read from the path as sent (server/router.ts paramsAsSent), not the cleaned one:
   * an empty segment stays an empty parameter (`/v1.0/publish//orders` has pub/sub name '').
   */
  paramsAsSent?: boolean;
  handler(ctx: RequestContext): Promise<void> | void;
}

/** `metadata.<name>` query parameters → metadata map (first value wins, prefix stripped). */
export function queryMetadata(rawQuery: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!rawQuery || rawQuery === '?') return out;
  for (const [k, v] of new URLSearchParams(rawQuery.slice(1))) {
    if (k.startsWith('metadata.') && !(k.slice(9) in out)) out[k.slice(9)] = v;
  }
  return out;
}

export function queryParam(rawQuery: string, name: string): string | undefined {
  if (!rawQuery || rawQuery === '?') return undefined;
  return new URLSearchParams(rawQuery.slice(1)).get(name) ?? undefined;
}
