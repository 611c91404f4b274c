/**
 * @module security/token
 * Constant-time comparison of a presented `dapr-api-token` with the expected one. Node decodes
 * header bytes as latin1, so `Buffer.from(got, 'latin1')` gives back exactly the bytes the client
 * sent (a UTF-8 token compares equal to its UTF-8 bytes); both sides are hashed first so the
 * comparison takes the same time whatever the lengths.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

/** What tokenMatches compares against: the digest of the token's UTF-8 bytes. */
export function tokenDigest(token: string): Buffer {
  return sha256(Buffer.from(token, 'utf8'));
}

export function tokenMatches(expectedDigest: Buffer, got: string | string[] | undefined): boolean {
  if (typeof got !== 'string') return false;
  return timingSafeEqual(sha256(Buffer.from(got, 'latin1')), expectedDigest);
}
