/**
 * @module tracing/ids
 * Trace and span ids for spans that are not sampled (no OpenTelemetry span is built for those):
 * hex from a pooled random buffer, refilled once per ~200 ids instead of a syscall per request.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.allocUnsafe(16 * 256);
let offset = pool.length;

function take(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

export function newTraceId(): string {
  return take(16);
}

export function newSpanId(): string {
  return take(8);
}
