/**
 * @module invoke/exchange
 * One buffered HTTP exchange (request body in hand, whole answer read) with a peer sidecar or the
 * app: what a gRPC caller's invocation needs, since its request and answer are single messages.
 * Transport failures before an answer are retried like ./forward (the body is still at hand); the
 * answer is read up to the body-size limit.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { commonErrors } from '../errors/common';
import type { DaprError } from '../errors/dapr-error';
import { RETRYABLE, type ForwardTarget, type RetryPolicy } from './forward';

export interface ExchangeRequest {
  target: ForwardTarget;
  method: string;
  /** Path and query as the receiver should see them. */
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  /** The answer is refused when larger than this. */
  maxBodySize: number;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /** Maps a transport failure to the error the caller sees. */
  toError(err: Error): DaprError;
}

export interface ExchangeAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export async function exchange(x: ExchangeRequest): Promise<ExchangeAnswer> {
  const delays = x.retry?.delaysMs ?? [];
  let target: ForwardTarget | undefined = x.target;
  for (let attempt = 0; ; attempt++) {
    try {
      return await once(x, target);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (x.signal?.aborted || !beforeAnswer.has(err) || !RETRYABLE.has(err.code ?? '') || attempt >= delays.length) throw x.toError(err);
      await pause(delays[attempt] as number, x.signal);
      if (x.retry?.reresolve) {
        try {
          target = await x.retry.reresolve();
        } catch {
          target = undefined;
        }
      }
      if (!target) throw x.toError(err);
    }
  }
}

/** Failures that happened before any answer arrived: the only ones worth sending again. */
const beforeAnswer = new WeakSet<Error>();

/** A transport failure of an exchange that may be sent again (it failed before any answer). */
export function canResend(err: Error): boolean {
  return beforeAnswer.has(err) && RETRYABLE.has((err as NodeJS.ErrnoException).code ?? '');
}

function once(x: ExchangeRequest, t: ForwardTarget): Promise<ExchangeAnswer> {
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { ...x.headers, 'content-length': x.body.length };
    const options: https.RequestOptions = {
      protocol: t.protocol,
      host: t.host,
      port: t.port,
      method: x.method,
      path: x.path,
      headers,
      agent: t.agent,
      signal: x.signal,
      rejectUnauthorized: false,
      ...t.tls,
    };
    let answered = false;
    const req = (t.protocol === 'https:' ? https : http).request(options, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > x.maxBodySize) {
          res.destroy(new Error(`the answer is larger than the ${x.maxBodySize} bytes allowed`));
          return;
        }
        chunks.push(c);
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, size) }));
      res.once('error', reject);
      res.once('aborted', () => reject(new Error('the answer was cut off')));
    });
    req.on('error', (err: Error) => {
      if (!answered) beforeAnswer.add(err);
      reject(err);
    });
    req.end(x.body);
  });
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The whole request body, refused past `max` bytes. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    return Promise.reject(commonErrors.bodyTooLarge(max));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        reject(commonErrors.bodyTooLarge(max));
        return;
      }
      chunks.push(c);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', (err: Error) => reject(commonErrors.bodyRead(err.message, err)));
  });
}
