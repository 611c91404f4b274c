/**
 * @module invoke/forward-wire
 * The wire pieces both HTTP forwarders share (invoke/forward, invoke/policy-forward): the target
 * of a forwarded request, its outgoing headers as one flat array, the caller's body piped out
 * under the --max-body-size cap, and the answer relayed back (small ones in one write, a status
 * Node cannot write turned into the caller's error, 204/304 answered without a body).
 */
import type { Agent, ClientRequest, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type https from 'node:https';
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

/** Bodies up to this size (with a Content-Length) are sent in one write instead of piped. */
export const SMALL_BODY_BYTES = 64 * 1024;

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

/** Pipes the caller's body into `out`; past `maxBodySize` bytes `out` is destroyed and `fail` told. */
export function pipeCapped(req: IncomingMessage, out: ClientRequest, maxBodySize: number, fail: (err: DaprError) => void): void {
  let size = 0;
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size > maxBodySize) {
      req.off('data', onData);
      req.unpipe(out);
      out.destroy();
      fail(commonErrors.bodyTooLarge(maxBodySize));
    }
  };
  req.on('data', onData);
  req.pipe(out);
  req.once('aborted', () => out.destroy());
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
  f: { toError(err: Error): DaprError; responseHeaders?: Record<string, string> },
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
