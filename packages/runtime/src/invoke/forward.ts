/**
 * @module invoke/forward
 * Streams one HTTP exchange to another server (a peer sidecar or the app) and the answer back:
 * bodies are piped both ways, never buffered; the --max-body-size cap is enforced while streaming.
 * A connection failure that happens before any body byte left is retried (after re-resolving).
 * Errors are not written here: a failure before the answer started rejects with the DaprError the
 * caller should see (the endpoint machinery writes it); after that the connection is cut.
 */
import http, { type Agent, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import { commonErrors } from '../errors/common';
import type { DaprError } from '../errors/dapr-error';
import { filterRawResponseHeaders } from './headers';

export interface ForwardTarget {
  protocol: 'http:' | 'https:';
  host: string;
  port: number;
  agent: Agent;
  /** TLS settings of this request (mTLS to a peer: verify the chain and the callee's identity). */
  tls?: Pick<https.RequestOptions, 'rejectUnauthorized' | 'checkServerIdentity'>;
}

export interface RetryPolicy {
  /** Delays before each retry; its length is the number of retries. */
  delaysMs: readonly number[];
  /** Called before a retry; may return a new target (e.g. the peer restarted on another port). */
  reresolve?: () => Promise<ForwardTarget | undefined>;
}

export interface ForwardRequest {
  req: IncomingMessage;
  res: ServerResponse;
  target: ForwardTarget;
  method: string;
  /** Path and query as the receiver should see them. */
  path: string;
  headers: OutgoingHttpHeaders;
  maxBodySize: number;
  /** Extra headers for the response to the caller (e.g. traceparent). */
  responseHeaders?: Record<string, string>;
  retry?: RetryPolicy;
  /** Maps a transport failure to the error the caller sees. */
  toError(err: Error): DaprError;
}

/** Transport failures worth another attempt (also ./exchange). */
export const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNABORTED']);

function hasNoBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return Number(len) === 0;
  return req.headers['transfer-encoding'] === undefined;
}

/** Bodies up to this size (with a Content-Length) are sent in one write instead of piped. */
export const SMALL_BODY_BYTES = 64 * 1024;

/** True once the caller's connection is closed: nothing sent to it can arrive, and no 'close' will come. */
export function callerGone(res: ServerResponse): boolean {
  return res.destroyed || res.closed || res.socket?.destroyed === true;
}

export function forward(f: ForwardRequest): Promise<void> {
  if (callerGone(f.res)) {
    // Its 'close' event has already fired: waiting for it would hold the app slot forever.
    f.req.resume();
    return Promise.resolve();
  }
  const declared = Number(f.req.headers['content-length']);
  if (Number.isFinite(declared) && declared > f.maxBodySize) {
    f.req.resume();
    return Promise.reject(commonErrors.bodyTooLarge(f.maxBodySize));
  }
  if (Number.isFinite(declared) && declared <= SMALL_BODY_BYTES && f.req.headers['transfer-encoding'] === undefined) {
    return forwardBuffered(f, declared);
  }
  return forwardStreamed(f);
}

/**
 * The common case (small bodies with a Content-Length): read the body, send headers and body in one
 * write, and answer small responses in one write too. Every transport failure before a response is
 * retryable, since the body is still at hand.
 */
function forwardBuffered(f: ForwardRequest, length: number): Promise<void> {
  const { req, res } = f;
  return new Promise<void>((resolve, reject) => {
    let attempt = 0;
    let done = false;
    let current: http.ClientRequest | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      resolve();
    };
    const fail = (err: DaprError) => {
      if (done) return;
      if (res.headersSent) {
        res.destroy(err);
        finish();
        return;
      }
      done = true;
      reject(err);
    };
    res.once('close', () => {
      if (!res.writableFinished) current?.destroy();
      finish();
    });
    const send = (target: ForwardTarget, body: Buffer) => {
      const out = openRequest(f, target);
      current = out;
      out.once('response', (up) => relayResponse(up, res, f, fail));
      out.on('error', (err: NodeJS.ErrnoException) => {
        if (done || res.writableEnded) return;
        if (res.headersSent) {
          res.destroy();
          return;
        }
        const delays = f.retry?.delaysMs ?? [];
        if (RETRYABLE.has(err.code ?? '') && attempt < delays.length) {
          retryLater(f, target, delays[attempt++] as number, () => done, (next) => send(next, body), () => fail(f.toError(err)));
          return;
        }
        fail(f.toError(err));
      });
      out.end(body);
    };
    if (length === 0) {
      req.resume();
      send(f.target, EMPTY);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= SMALL_BODY_BYTES) chunks.push(c);
    });
    req.once('end', () => {
      if (done) return;
      if (size !== length) {
        fail(commonErrors.bodyRead(`the body had ${size} bytes but Content-Length said ${length}`));
        return;
      }
      send(f.target, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    req.once('error', (err) => {
      if (!res.headersSent) fail(commonErrors.bodyRead(err.message, err));
    });
  });
}

const EMPTY = Buffer.alloc(0);

function openRequest(f: ForwardRequest, target: ForwardTarget): http.ClientRequest {
  return (target.protocol === 'https:' ? https : http).request({
    protocol: target.protocol,
    host: target.host,
    port: target.port,
    method: f.method,
    path: f.path,
    headers: flatHeaders(f.headers, target),
    agent: target.agent,
    rejectUnauthorized: false,
    ...target.tls,
  } as https.RequestOptions);
}

/**
 * The outgoing headers as one flat [name, value, ...] array with the Host node:http would add:
 * node validates each header once while serialising it, instead of also going through setHeader.
 */
export function flatHeaders(headers: OutgoingHttpHeaders, target: ForwardTarget): Array<string | number | string[]> {
  const bracketed = target.host.includes(':') && !target.host.startsWith('[') ? `[${target.host}]` : target.host;
  const defaultPort = target.protocol === 'https:' ? 443 : 80;
  const flat: Array<string | number | string[]> = ['host', target.port === defaultPort ? bracketed : `${bracketed}:${target.port}`];
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat.push(name, value);
  }
  return flat;
}

/** After `delayMs`, re-resolves the target (when the policy can) and tries again, or gives up. */
function retryLater(
  f: ForwardRequest,
  target: ForwardTarget,
  delayMs: number,
  isDone: () => boolean,
  again: (target: ForwardTarget) => void,
  giveUp: () => void,
): void {
  setTimeout(async () => {
    if (isDone()) return;
    let next: ForwardTarget | undefined = target;
    try {
      if (f.retry?.reresolve) next = await f.retry.reresolve();
    } catch {
      next = undefined;
    }
    if (next) again(next);
    else giveUp();
  }, delayMs);
}

/** Statuses whose answers never carry a body (RFC 9110 6.4.1). */
const NO_BODY_STATUS = new Set([204, 304]);

/**
 * Small responses with a Content-Length go out in one write; anything else is piped. A status Node
 * cannot write (below 200: 0xx, or a bare 101 nobody asked for) is an error for the caller, as Go's
 * client refuses it in daprd; a 204/304 is answered at once, whatever body the app wrongly sent.
 */
export function relayResponse(
  up: IncomingMessage,
  res: ServerResponse,
  f: Pick<ForwardRequest, 'toError' | 'responseHeaders'>,
  fail: (err: DaprError) => void,
): void {
  const status = up.statusCode ?? 0;
  if (status < 200 || status > 999) {
    up.destroy(); // the connection carried a broken answer: never reuse it
    fail(f.toError(new Error(`the app answered with HTTP status ${status}, which cannot be relayed`)));
    return;
  }
  const { headers, contentLength, chunked } = filterRawResponseHeaders(up.rawHeaders, f.responseHeaders);
  if (NO_BODY_STATUS.has(status)) {
    up.resume();
    writeOnce(res, status, withoutFraming(headers));
    return;
  }
  const len = contentLength === undefined ? NaN : Number(contentLength);
  if (Number.isFinite(len) && len <= SMALL_BODY_BYTES && !chunked) {
    if (len === 0) {
      up.resume();
      writeOnce(res, status, headers);
      return;
    }
    const chunks: Buffer[] = [];
    up.on('data', (c: Buffer) => chunks.push(c));
    up.once('end', () => writeOnce(res, status, headers, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    up.once('aborted', () => res.destroy());
    return;
  }
  res.writeHead(status, headers);
  up.pipe(res);
  up.once('aborted', () => res.destroy());
  up.once('error', () => res.destroy());
}

/** Writes a whole answer unless one was already written (e.g. an error after a broken upstream). */
function writeOnce(res: ServerResponse, status: number, headers: string[], body?: Buffer): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(status, headers);
  res.end(body);
}

/** Flat headers minus Content-Length and Transfer-Encoding (a 204/304 answer has no body to frame). */
function withoutFraming(headers: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = (headers[i] as string).toLowerCase();
    if (name !== 'content-length' && name !== 'transfer-encoding') out.push(headers[i] as string, headers[i + 1] as string);
  }
  return out;
}

function forwardStreamed(f: ForwardRequest): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const { req, res } = f;
    const noBody = hasNoBody(req);
    let bodyStarted = false;
    let finished = false;
    let attempt = 0;
    let current: http.ClientRequest | undefined;

    const finish = () => {
      if (finished) return;
      finished = true;
      resolve();
    };
    res.once('close', () => {
      if (!res.writableFinished) current?.destroy();
      finish();
    });

    const fail = (err: DaprError) => {
      if (finished) return;
      if (!req.complete) req.resume();
      if (res.headersSent) {
        res.destroy(err);
        finish();
        return;
      }
      finished = true;
      reject(err);
    };

    const start = (target: ForwardTarget) => {
      const out = openRequest(f, target);
      current = out;

      const pump = () => {
        if (bodyStarted) return;
        bodyStarted = true;
        if (noBody) {
          out.end();
          return;
        }
        let size = 0;
        const onData = (chunk: Buffer) => {
          size += chunk.length;
          if (size > f.maxBodySize) {
            req.off('data', onData);
            req.unpipe(out);
            out.destroy();
            fail(commonErrors.bodyTooLarge(f.maxBodySize));
          }
        };
        req.on('data', onData);
        req.pipe(out);
        req.once('aborted', () => out.destroy());
      };
      out.once('socket', (sock) => {
        if (sock.connecting) sock.once('connect', pump);
        else pump();
      });

      out.once('response', (up) => relayResponse(up, res, f, fail));

      out.on('error', (err: NodeJS.ErrnoException) => {
        if (finished || res.writableEnded) return;
        if (res.headersSent) {
          res.destroy();
          return;
        }
        // Only a request whose body has not started flowing (or has none) can be sent again.
        const canRetry = (!bodyStarted || noBody) && RETRYABLE.has(err.code ?? '');
        const delays = f.retry?.delaysMs ?? [];
        if (canRetry && attempt < delays.length) {
          bodyStarted = false;
          retryLater(f, target, delays[attempt++] as number, () => finished, start, () => fail(f.toError(err)));
          return;
        }
        fail(f.toError(err));
      });
    };
    start(f.target);
  });
}
