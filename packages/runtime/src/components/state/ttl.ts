/**
 * @module components/state/ttl
 * The one reader of the `ttlInSeconds` metadata every state store uses, with Dapr's rules
 * (components-contrib state/utils/ttl.go): a base-10 integer (Go's strconv.ParseInt: an optional
 * sign, digits, nothing else) from -1 to 2147483647. -1 and 0 mean "never expires"; the API layer
 * wraps a refusal in ERR_STATE_SAVE (or ERR_STATE_TRANSACTION), as daprd does.
 */

export const TTL_METADATA_KEY = 'ttlInSeconds';
/** Dapr's upper bound (math.MaxInt32 seconds, about 68 years). */
export const MAX_TTL_SECONDS = 2_147_483_647;

const PREFIX = `incorrect value for metadata '${TTL_METADATA_KEY}'`;

/** A ttlInSeconds value the store refuses; nothing has been written when it is thrown. */
export class TtlError extends Error {
  constructor(problem: string) {
    super(`${PREFIX}: ${problem}`);
    this.name = 'TtlError';
  }
}

/** Parses one value: the integer, or a TtlError. */
export function parseTtlValue(raw: string): number {
  if (!/^[+-]?\d+$/.test(raw)) throw new TtlError(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  const n = BigInt(raw);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) throw new TtlError(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: value out of range`);
  if (n < -1n) throw new TtlError('must be -1 or greater');
  if (n > BigInt(MAX_TTL_SECONDS)) throw new TtlError(`must be at most ${MAX_TTL_SECONDS}`);
  return Number(n);
}

/**
 * The request's TTL in seconds: undefined when absent or empty (the store's default applies),
 * else an integer in [-1, MAX_TTL_SECONDS] where -1 and 0 mean "never expires".
 */
export function parseTtl(metadata: Readonly<Record<string, string>> | undefined): number | undefined {
  const raw = metadata?.[TTL_METADATA_KEY];
  if (raw === undefined || raw === '') return undefined;
  return parseTtlValue(raw);
}

/** The expiry instant (ms since the epoch) of a TTL, or undefined when it never expires. */
export function expiresAtMs(ttl: number | undefined, nowMs: number): number | undefined {
  return ttl !== undefined && ttl > 0 ? nowMs + ttl * 1000 : undefined;
}
