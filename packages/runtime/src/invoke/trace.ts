/**
 * @module invoke/trace
 * W3C trace context: propagate an incoming `traceparent`, or start a new trace.
 */
import { randomBytes } from 'node:crypto';

const VALID = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function ensureTraceparent(incoming: string | string[] | undefined): string {
  if (typeof incoming === 'string' && VALID.test(incoming)) return incoming;
  const bytes = randomBytes(24);
  return `00-${bytes.subarray(0, 16).toString('hex')}-${bytes.subarray(16).toString('hex')}-00`;
}
