/**
 * @module server/respond
 * The only writers of API answers: JSON bodies, and `{ "error": "..." }` for every failure.
 */
import type { ServerResponse } from 'node:http';

/** A failure with its HTTP status; handlers throw it, the router writes it. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const notFound = (message: string): HttpError => new HttpError(404, message);

export function respondJSON(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function respondError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpError) respondJSON(res, err.status, { error: err.message });
  else respondJSON(res, 500, { error: `internal error: ${(err as Error)?.message ?? String(err)}` });
}
