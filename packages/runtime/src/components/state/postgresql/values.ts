/**
 * @module components/state/postgresql/values
 * How state.postgresql reads what it is given: ETags (UUIDs), `ttlInSeconds`, values (JSON or
 * binary) for the jsonb column, expiry times in RFC 3339, and error text for logs and messages.
 */
import { ETagInvalidError } from '../../errors';
import { parseTtl } from '../ttl';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** undefined = no etag; a non-UUID is invalid (400), never a mismatch. */
export function checkETag(etag: string | undefined): string | undefined {
  if (etag === undefined || etag === '') return undefined;
  if (!UUID.test(etag)) throw new ETagInvalidError(`invalid etag value: "${etag}" is not a UUID`);
  return etag.toLowerCase();
}

/** `ttlInSeconds` (the shared parser, ../ttl.ts): absent, empty, 0 or -1 → no expiry (and overwriting clears an old one). */
export function ttlSeconds(metadata: Record<string, string> | undefined): number | null {
  const ttl = parseTtl(metadata);
  return ttl !== undefined && ttl > 0 ? ttl : null;
}

/** JSON text goes into the jsonb column as is; anything else is flagged binary (value = its base64 as a JSON string). */
export function toJsonb(value: Buffer): { json: string; isBinary: boolean } {
  const text = value.toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    return { json: JSON.stringify(value.toString('base64')), isBinary: true };
  }
  // jsonb rejects \u0000 and lone surrogate escapes: keep such a value (still returned verbatim from `data`) out of queries.
  return { json: /\\u(0000|d[89a-f][0-9a-f]{2})/i.test(text) ? 'null' : text, isBinary: false };
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Error text for logs and messages; Node's AggregateError (several addresses tried) has an empty message. */
export function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map((e) => describe(e)).join('; ');
  if (err instanceof Error) return err.message || (err as NodeJS.ErrnoException).code || err.name;
  return String(err);
}
