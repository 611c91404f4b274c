/**
 * @module server/respond
 * The only places that write API responses: JSON, empty (204), raw bytes and errors.
 */
import type { ServerResponse } from 'node:http';
import { DaprError, isDaprError } from '../errors/dapr-error';
import { commonErrors } from '../errors/common';
import { ETagInvalidError, ETagMismatchError } from '../components/errors';

export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

const JSON_TYPE = 'application/json';

export function respondJSON(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, 'content-type': JSON_TYPE, 'content-length': payload.length });
  res.end(payload);
}

/** Raw bytes; daprd labels them application/json unless the handler chose another type. */
export function respondRaw(res: ServerResponse, status: number, body: Buffer | string, headers?: Record<string, string>): void {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-type': JSON_TYPE, ...headers, 'content-length': payload.length });
  res.end(payload);
}

export function respondEmpty(res: ServerResponse, headers?: Record<string, string>): void {
  res.writeHead(204, headers);
  res.end();
}

/** Plain-text 401 exactly as daprd's Go http.Error writes it. */
export function respondUnauthorized(res: ServerResponse): void {
  res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end('invalid api token\n');
}

/**
 * Serialises any thrown value. DaprErrors go out as they are, component ETag errors are mapped by
 * the caller's context (see toDaprError), anything else is logged and becomes 500 ERROR.
 */
export function respondError(res: ServerResponse, err: unknown, log?: ErrorLogger): void {
  const dErr = toDaprError(err);
  if (!isDaprError(err) && log) log.error({ err }, 'unexpected error while handling request');
  if (res.headersSent) {
    res.destroy(dErr);
    return;
  }
  respondJSON(res, dErr.status, dErr.toJSON(), dErr.headers);
}

export function toDaprError(err: unknown): DaprError {
  if (isDaprError(err)) return err;
  if (err instanceof ETagMismatchError || err instanceof ETagInvalidError) {
    // Only reached when a handler forgot to wrap the component error: keep the status honest.
    return new DaprError('ERROR', err.message, { cause: err, status: err instanceof ETagMismatchError ? 409 : 400 });
  }
  return commonErrors.unexpected(err);
}
