/** @module security/token Constant-time comparison of a presented `dapr-api-token` with the expected one. */
import { timingSafeEqual } from 'node:crypto';

export function tokenMatches(expected: Buffer, got: string | string[] | undefined): boolean {
  if (typeof got !== 'string') return false;
  const b = Buffer.from(got);
  return b.length === expected.length && timingSafeEqual(b, expected);
}
