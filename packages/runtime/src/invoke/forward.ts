/**
 * @module invoke/forward
 * Streams one HTTP exchange to another server (a peer sidecar or the app) and the answer back:
 * bodies are piped both ways, never buffered; the --max-body-size cap is enforced while streaming.
 * A connection failure that happens before any body byte left is retried (after re-resolving).
 * Errors are not written here: a failure before the answer started rejects with the DaprError the
 * caller should see (the endpoint machinery writes it); after that the connection is cut.
 * The pieces shared with invoke/policy-forward (headers, capped body pipe, answer relay) are in
 * invoke/forward-wire.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import { commonErrors } from '../errors/common';
import type { DaprError } from '../errors/dapr-error';
import { flatHeaders, pipeCapped, relayResponse, SMALL_BODY_BYTES, type ForwardTarget } from './forward-wire';

export { flatHeaders, relayResponse, SMALL_BODY_BYTES, type ForwardTarget } from './forward-wire';

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
  /**
   * A transport failure that left nothing of the request behind (retries, if any, used up): the
   * request may still be sent again, with `body` when it was read (undefined: still unread in req).
   */
  onUnsent?(err: Error, body: Buffer | undefined): void;
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
        if (RETRYABLE.has(err.code ?? '')) f.onUnsent?.(err, body);
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
        pipeCapped(req, out, f.maxBodySize, fail);
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
        if (canRetry) f.onUnsent?.(err, noBody ? EMPTY : undefined);
        fail(f.toError(err));
      });
    };
    start(f.target);
  });
}
