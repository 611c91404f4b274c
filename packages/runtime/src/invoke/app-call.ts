/**
 * @module invoke/app-call
 * One request from the sidecar to its own app over the app channel (keep-alive agent, the app API
 * token via `channel.decorate`), answered as status plus body bytes. Used by pub/sub delivery
 * (single and bulk) and by input bindings; service invocation streams through ./forward instead.
 */
import http from 'node:http';
import https from 'node:https';
import { isHeaderName, isHeaderValue } from '../http-syntax';
import type { AppChannel } from './app-channel';

/** Re-exported for the callers that took them from here (the output binding endpoint). */

const RESERVED_HEADERS = new Set(['content-length', 'content-type', 'host', 'connection', 'transfer-encoding', 'dapr-api-token', 'keep-alive', 'upgrade']);

/**
 * Message or event metadata → request headers for the app, lower-cased. Names that cannot be
 * header names, headers the sidecar owns, and values Node would refuse are left out.
 */
export function metadataHeaders(metadata: Record<string, string> | undefined): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(metadata ?? {})) {
    const name = k.toLowerCase();
    if (typeof v !== 'string' || !isHeaderName(k) || RESERVED_HEADERS.has(name) || !isHeaderValue(v)) continue;
    headers[name] = v;
  }
  return headers;
}

export interface AppAnswer {
  status: number;
  body: Buffer;
}

export interface AppCallOptions {
  body?: Buffer;
  /** Fails the call when the app has not answered within this many ms (default: no limit). */
  timeoutMs?: number;
  /** The app's answer is read up to this many bytes; the rest is dropped, the status still counts (default: no cap). */
  maxBytes?: number;
  /** Aborts the call (the app health probe's timeout and shutdown). */
  signal?: AbortSignal;
}

/** Sends `method path` to the app with `headers` (the token is set or removed by the channel). */
export function callApp(channel: AppChannel, method: string, path: string, headers: http.OutgoingHttpHeaders, o: AppCallOptions = {}): Promise<AppAnswer> {
  const t = channel.target;
  const request = t.protocol === 'https:' ? https.request : http.request;
  const maxBytes = o.maxBytes ?? Infinity;
  return new Promise((resolve, reject) => {
    const req = request({ protocol: t.protocol, host: t.host, port: t.port, agent: t.agent, method, path, headers: channel.decorate(headers), signal: o.signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (): void => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks, size) });
      res.on('data', (c: Buffer) => {
        if (size >= maxBytes) return;
        const part = c.length > maxBytes - size ? c.subarray(0, maxBytes - size) : c;
        chunks.push(part);
        size += part.length;
        if (size >= maxBytes) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', reject);
    });
    const timeoutMs = o.timeoutMs;
    if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
