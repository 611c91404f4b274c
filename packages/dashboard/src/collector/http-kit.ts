/**
 * @module collector/http-kit
 * The small HTTP machinery both collector servers share: endpoint tables (data, matched by method
 * and path pattern), body reading with gzip/deflate and a size limit, CORS so a Zipkin UI on
 * another origin can call the API, and the one place that turns errors into responses.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { SpanValidationError } from './normalize';

/** Default limit for request bodies, before and after decompression. */
export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

/** An error with the HTTP status to answer; its message becomes the body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface RequestContext {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  /** Reads the (decompressed) body, enforcing the size limit. */
  body(): Promise<Buffer>;
}

export interface Endpoint {
  /** Stable name, as Zipkin's API names the operation. */
  name: string;
  method: 'GET' | 'POST';
  /** `/api/v2/trace/:traceId` style: `:name` matches one path segment. */
  route: string;
  handler(ctx: RequestContext): Reply | Promise<Reply>;
}

/** Turns a reply body into JSON. */
export function json(value: unknown, status = 200): Reply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

function matchRoute(route: string, path: string): Record<string, string> | undefined {
  const want = route.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      if (g === '') return undefined;
      params[w.slice(1)] = decodeURIComponent(g);
    } else if (w !== g) return undefined;
  }
  return params;
}

/** Reads a request body, inflating gzip/deflate, failing with 413 past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  let source: NodeJS.ReadableStream = req;
  let inflater: Transform | undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') inflater = createGunzip();
  else if (encoding === 'deflate') inflater = createInflate();
  else if (encoding !== 'identity' && encoding !== '') return Promise.reject(new HttpError(415, `unsupported Content-Encoding: ${encoding}`));
  if (inflater) source = req.pipe(inflater);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let raw = 0;
    let done = false;
    const fail = (err: Error): void => {
      if (done) return;
      done = true;
      req.unpipe();
      req.resume();
      reject(err);
    };
    if (inflater) req.on('data', (c: Buffer) => {
      raw += c.length;
      if (raw > limit) fail(new HttpError(413, `request body larger than ${limit} bytes`));
    });
    source.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) fail(new HttpError(413, `request body larger than ${limit} bytes (after decompression)`));
      else if (!done) chunks.push(c);
    });
    source.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    source.on('error', (err: Error) => fail(inflater ? new HttpError(400, `cannot decode ${encoding} body: ${err.message}`) : err));
    req.on('error', fail);
  });
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-max-age': '86400',
};

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { ...CORS_HEADERS, ...reply.headers };
  if (reply.body !== undefined && !headers['content-type']) headers['content-type'] = 'text/plain; charset=utf-8';
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/** The only place errors become responses: known errors keep their status, the rest are 500. */
export function errorReply(err: unknown): Reply {
  if (err instanceof HttpError) return { status: err.status, body: err.message };
  if (err instanceof SpanValidationError) return { status: 400, body: err.message };
  return { status: 500, body: `internal error: ${(err as Error)?.message ?? String(err)}` };
}

export interface ListenerOptions {
  bodyLimit?: number;
  /** Error body formatting for a table (OTLP answers in its own encoding); default `errorReply`. */
  onError?: (err: unknown, req: IncomingMessage) => Reply;
}

/** A request listener serving one endpoint table, with CORS preflight, 404 and 405. */
export function createListener(endpoints: Endpoint[], opts: ListenerOptions = {}): RequestListener {
  const limit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const onError = opts.onError ?? errorReply;
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://collector.invalid');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const run = async (): Promise<Reply> => {
      const matches = endpoints.map((e) => ({ e, params: matchRoute(e.route, path) })).filter((m) => m.params !== undefined);
      if (matches.length === 0) return { status: 404, body: `no such endpoint: ${path}` };
      if (req.method === 'OPTIONS') {
        const allowHeaders = req.headers['access-control-request-headers'] ?? 'content-type, content-encoding';
        return { status: 204, headers: { 'access-control-allow-headers': String(allowHeaders) } };
      }
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const hit = matches.find((m) => m.e.method === method);
      if (!hit) return { status: 405, headers: { allow: [...new Set(matches.map((m) => m.e.method))].join(', ') }, body: `method ${req.method} not allowed on ${path}` };
      return hit.e.handler({ req, url, params: hit.params!, body: () => readBody(req, limit) });
    };
    run().then(
      (reply) => send(res, req.method === 'HEAD' ? { ...reply, body: undefined } : reply),
      (err: unknown) => {
        const reply = onError(err, req);
        // Refusing a body part-way: close the connection so the client stops sending.
        if (reply.status === 413) res.setHeader('connection', 'close');
        send(res, reply);
      },
    );
  };
}
