/**
 * @module invoke/policy-forward
 * An HTTP invocation under a resiliency policy, attempt by attempt (daprd pkg/api/http/directmessaging.go
 * onDirectMessage and pkg/messaging/direct_messaging.go invokeWithRetry):
 *
 * - The request body is read once and replayed on every attempt when it has a Content-Length and
 *   either a retry policy applies or it is small (./forward's SMALL_BODY_BYTES); otherwise (chunked, or
 *   large without retries) it is streamed once, and a failure after its first byte left is final.
 * - With a user policy (`answersCount`), an answer outside 200–399 to a replayable request is a
 *   failure (daprd's CodeError): its body is read (up to --max-body-size), the breaker counts it and
 *   the retry policy's `matching` decides; the last such answer goes back to the caller as it came.
 *   A streamed request's failing answer is relayed at once and counted by the breaker, never retried.
 * - Without one (the built-in DaprBuiltInServiceRetries), answers are never failures: only a
 *   transport failure that happened before any body byte left is sent again (as gRPC UNAVAILABLE).
 *
 * Nothing is written on failure: the caller gets the DaprError to answer, as with ./forward.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import { commonErrors } from '../errors/common';
import { isDaprError, type DaprError } from '../errors/dapr-error';
import { invokeErrors } from '../errors/invoke';
import type { AttemptStatus, PolicyRunner } from '../resiliency/runner';
import { isResiliencyError } from '../resiliency/errors';
import { readBody } from './exchange';
import { callerGone, RETRYABLE } from './forward';
import { flatHeaders, pipeCapped, relayResponse, SMALL_BODY_BYTES, type ForwardTarget } from './forward-wire';
import { filterRawResponseHeaders } from './headers';
import { GRPC_ORIGIN_HEADER } from './translate';

/** Where one attempt goes (a peer sidecar, or the app for a call to the own app id). */
export interface Leg {
  target: ForwardTarget;
  headers: OutgoingHttpHeaders;
  /** Called once the attempt is over (an app concurrency slot). */
  release?(): void;
}

export interface PolicyForwardRequest {
  /** The target app id as the caller named it (error messages). */
  appId: string;
  req: IncomingMessage;
  res: ServerResponse;
  runner: PolicyRunner;
  /** A user policy applies: answers outside 200–399 are failures. */
  answersCount: boolean;
  method: string;
  path: string;
  maxBodySize: number;
  responseHeaders?: Record<string, string>;
  /** The destination of an attempt; `afterTransportFailure`: the previous attempt could not reach it. */
  open(attempt: number, signal: AbortSignal, afterTransportFailure: boolean): Promise<Leg>;
  /** Maps a transport failure (or a policy's own failure) to the error the caller sees. */
  toError(err: Error): DaprError;
  onRetry?(attempt: number, reason: unknown, delayMs: number): void;
  /**
   * The first attempt already happened (./forward, the fast path) and failed before sending
   * anything: the run starts with that failure, and `body` is the request body it read, if any.
   */
  first?: { failure: Error; body?: Buffer };
}

/** An answer read whole because it is a failure that may be retried. */
interface HeldAnswer {
  status: number;
  rawHeaders: string[];
  body: Buffer;
}

/** The answer went to the caller already. */
const WRITTEN = Symbol('written');
type Outcome = HeldAnswer | typeof WRITTEN;

/** A streamed request's failing answer: already relayed, counted by the breaker, never retried. */
class RelayedFailure extends Error {
  constructor(readonly status: number) {
    super(`the app answered with HTTP status ${status}`);
  }
}

/** Transport failures that may be sent again: nothing of the request body left yet. */
const resendable = new WeakSet<object>();

const failed = (status: number): boolean => status < 200 || status > 399;

export async function forwardWithPolicy(f: PolicyForwardRequest): Promise<void> {
  const { req, res } = f;
  if (callerGone(res)) {
    req.resume();
    return;
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > f.maxBodySize) {
    req.resume();
    throw commonErrors.bodyTooLarge(f.maxBodySize);
  }
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const replay = !chunked && (f.runner.retries || !Number.isFinite(declared) || declared <= SMALL_BODY_BYTES);
  const body = f.first?.body ?? (replay ? await readBody(req, f.maxBodySize) : undefined);
  if (f.first) resendable.add(f.first.failure);
  const stream = { started: false };

  // The caller hanging up ends the run: the attempt in flight is aborted, no retry follows.
  const gone = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) gone.abort(new Error('the caller closed the connection'));
  };
  res.once('close', onClose);
  let transportFailed = false;
  try {
    const outcome = await f.runner.run<Outcome>(
      async (signal, attempt) => {
        if (attempt === 1 && f.first) {
          transportFailed = true;
          throw f.first.failure;
        }
        const leg = await f.open(attempt, signal, transportFailed);
        transportFailed = false;
        try {
          let up: IncomingMessage;
          try {
            up = await send(f, leg, body, stream, signal);
          } catch (err) {
            if (resendable.has(err as object) || RETRYABLE.has((err as NodeJS.ErrnoException).code ?? '')) transportFailed = true;
            throw err;
          }
          const status = up.statusCode ?? 0;
          // A gRPC app's status is an answer to relay, never a failure (daprd: not an HTTP response).
          const failure = f.answersCount && failed(status) && up.headers[GRPC_ORIGIN_HEADER] === undefined;
          if (failure && body !== undefined) return await holdAnswer(up, f.maxBodySize, signal);
          await relay(up, f, signal);
          if (failure) throw new RelayedFailure(status);
          return WRITTEN;
        } finally {
          leg.release?.();
        }
      },
      {
        signal: gone.signal,
        resultStatus: (o) => (o === WRITTEN ? undefined : { httpStatus: o.status }),
        errorStatus: (err) => errorStatus(err, f.answersCount, body === undefined && stream.started),
        onRetry: f.onRetry,
      },
    );
    if (outcome !== WRITTEN) writeHeld(f, outcome);
  } catch (err) {
    if (err instanceof RelayedFailure || callerGone(res)) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (isDaprError(err)) throw err;
    // A timeout or an open breaker: daprd's "failed to invoke, id: X, err: circuit breaker is open".
    if (isResiliencyError(err)) throw invokeErrors.failed(f.appId, err.message, err);
    throw f.toError(err instanceof Error ? err : new Error(String(err)));
  } finally {
    res.off('close', onClose);
  }
}

function errorStatus(err: unknown, userPolicy: boolean, bodyGone: boolean): (AttemptStatus & { permanent?: boolean }) | undefined {
  if (err instanceof RelayedFailure) return { httpStatus: err.status, permanent: true };
  if (bodyGone) return { permanent: true };
  if (!userPolicy) return resendable.has(err as object) ? { grpcCode: 14 } : { permanent: true };
  // The request itself is wrong (too large, unreadable): no attempt can do better.
  if (isDaprError(err) && (err.code === 'ERR_BODY_TOO_LARGE' || err.code === 'ERR_BODY_READ')) return { permanent: true };
  return undefined;
}

/** One request to the leg's target; resolves once the answer's head arrived. */
function send(f: PolicyForwardRequest, leg: Leg, body: Buffer | undefined, stream: { started: boolean }, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const t = leg.target;
    const out = (t.protocol === 'https:' ? https : http).request({
      protocol: t.protocol,
      host: t.host,
      port: t.port,
      method: f.method,
      path: f.path,
      headers: flatHeaders(leg.headers, t),
      agent: t.agent,
      rejectUnauthorized: false,
      ...t.tls,
    } as https.RequestOptions);
    let settled = false;
    const onAbort = (): void => {
      out.destroy();
      if (!settled) {
        settled = true;
        reject(signal.reason);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    out.once('response', (up) => {
      settled = true;
      // A timeout while the answer streams cuts it (the listener stays until the attempt ends).
      up.once('end', () => signal.removeEventListener('abort', onAbort));
      up.once('close', () => signal.removeEventListener('abort', onAbort));
      resolve(up);
    });
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if ((body !== undefined || !stream.started) && RETRYABLE.has(err.code ?? '')) resendable.add(err);
      reject(err);
    });
    if (body !== undefined) {
      out.end(body);
      return;
    }
    pump(f, out, stream, (err) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
  });
}

/** Streams the caller's body into `out` once connected, capped at --max-body-size. */
function pump(f: PolicyForwardRequest, out: http.ClientRequest, stream: { started: boolean }, fail: (err: DaprError) => void): void {
  const { req } = f;
  const start = (): void => {
    if (stream.started) return;
    stream.started = true;
    pipeCapped(req, out, f.maxBodySize, fail);
  };
  out.once('socket', (sock) => {
    if (sock.connecting) sock.once('connect', start);
    else start();
  });
}

/** Relays an answer to the caller; resolves when it is written, rejects (DaprError) when it cannot be. */
function relay(up: IncomingMessage, f: PolicyForwardRequest, signal: AbortSignal): Promise<void> {
  const { res } = f;
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      if (done) return;
      done = true;
      up.destroy();
      if (res.headersSent) res.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    res.once('finish', finish);
    res.once('close', finish);
    relayResponse(up, res, { toError: f.toError, responseHeaders: f.responseHeaders }, (err) => {
      if (done) return;
      if (res.headersSent) {
        res.destroy(err);
        finish();
        return;
      }
      done = true;
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
  });
}

/** Reads a failing answer whole (it may be replaced by a retry's). */
function holdAnswer(up: IncomingMessage, max: number, signal: AbortSignal): Promise<HeldAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = (): void => {
      up.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    up.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        up.destroy(new Error(`the answer is larger than the ${max} bytes allowed`));
        return;
      }
      chunks.push(c);
    });
    up.once('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve({ status: up.statusCode ?? 0, rawHeaders: up.rawHeaders, body: Buffer.concat(chunks, size) });
    });
    up.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    up.once('aborted', () => {
      signal.removeEventListener('abort', onAbort);
      reject(new Error('the answer was cut off'));
    });
  });
}

/** The last failing answer, as the app sent it (framing recomputed for the body read). */
function writeHeld(f: PolicyForwardRequest, a: HeldAnswer): void {
  if (a.status < 200 || a.status > 999) throw f.toError(new Error(`the app answered with HTTP status ${a.status}, which cannot be relayed`));
  const { headers } = filterRawResponseHeaders(a.rawHeaders, f.responseHeaders);
  const out: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = (headers[i] as string).toLowerCase();
    if (name !== 'content-length' && name !== 'transfer-encoding') out.push(headers[i] as string, headers[i + 1] as string);
  }
  out.push('content-length', String(a.body.length));
  f.res.writeHead(a.status, out);
  f.res.end(a.body);
}
