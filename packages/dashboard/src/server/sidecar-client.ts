/**
 * @module server/sidecar-client
 * Talking to a sidecar over its public HTTP API only: health, metadata, and plain requests with a
 * deadline (the dashboard must stay responsive when a sidecar hangs).
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';

export interface SidecarTarget {
  host: string;
  httpPort: number;
  /** Sent as dapr-api-token when set. */
  apiToken?: string;
  /**
   * Connect to the address `host` resolves to, so that the Host header is an IP literal. A sidecar
   * refuses Host names that are not its own (its DNS-rebinding guard, --allowed-hosts), and a
   * container's or a Service's name is not. Set for static sidecars (--sidecar).
   */
  byAddress?: boolean;
}

/** How long a health probe or a metadata read may take. */
export const PROBE_TIMEOUT_MS = 1000;

export function sidecarUrl(t: SidecarTarget, path: string): string {
  return `http://${t.host}:${t.httpPort}${path}`;
}

/** The URL of `path` on the target's `port` (default its HTTP API), by address when `byAddress`. */
export async function targetUrl(t: SidecarTarget, path: string, port = t.httpPort): Promise<string> {
  let host = t.host;
  if (t.byAddress && net.isIP(host) === 0) host = (await lookup(host)).address;
  return `http://${net.isIPv6(host) ? `[${host}]` : host}:${port}${path}`;
}

export function tokenHeaders(t: SidecarTarget): Record<string, string> {
  return t.apiToken ? { 'dapr-api-token': t.apiToken } : {};
}

export async function fetchWithTimeout(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}

/** True when something accepts a TCP connection on host:port within the timeout. */
export function portReachable(host: string, port: number, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function sidecarHealthy(t: SidecarTarget, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  try {
    const r = await fetchWithTimeout(await targetUrl(t, '/v1.0/healthz'), { headers: tokenHeaders(t) }, timeoutMs);
    await r.arrayBuffer();
    return r.status >= 200 && r.status < 300;
  } catch {
    return false;
  }
}

/** The sidecar's `/v1.0/metadata`, or why it could not be read. */
export async function sidecarMetadata(t: SidecarTarget, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ metadata: Record<string, unknown> } | { error: string }> {
  try {
    const r = await fetchWithTimeout(await targetUrl(t, '/v1.0/metadata'), { headers: tokenHeaders(t) }, timeoutMs);
    const text = await r.text();
    if (r.status !== 200) return { error: `GET /v1.0/metadata answered ${r.status}: ${text.slice(0, 200)}` };
    return { metadata: JSON.parse(text) as Record<string, unknown> };
  } catch (err) {
    return { error: `cannot read /v1.0/metadata on port ${t.httpPort}: ${(err as Error).message}` };
  }
}
