/**
 * @module server/router
 * Endpoint records (`{ name, method, route, handler }`, routes with `:param` segments) and the
 * matcher that picks one for a request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from './respond';

export interface ApiCall {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The request body parsed as JSON (400 when it is not). */
  json(): Promise<unknown>;
}

/** Returned by handlers that wrote the answer themselves (SSE streams). */
export const STREAMING = Symbol('streaming');

export interface Endpoint<C> {
  name: string;
  method: 'GET' | 'POST';
  route: string;
  handler(call: ApiCall, ctx: C): Promise<unknown>;
}

/** Largest accepted request body. */
const MAX_BODY = 1 << 20;

export function matchRoute(route: string, path: string): Record<string, string> | undefined {
  const want = route.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith(':')) {
      if (!g) return undefined;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

export function readJSON(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(badRequest(`request body larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text.trim() === '' ? undefined : JSON.parse(text));
      } catch (err) {
        reject(badRequest(`request body is not JSON: ${(err as Error).message}`));
      }
    });
  });
}
