/**
 * @module components/bindings/sql-shared
 * What the SQL bindings (bindings.postgresql and its embedded twin bindings.sqlite) share, so an app
 * sees the same shapes from both: the `params` request metadata (a JSON array, bound positionally),
 * the result rows as a JSON array of row arrays encoded the way Go's json.Marshal writes the values
 * daprd's driver returns, and the timing metadata (`start-time`, `end-time` in RFC 3339 with
 * nanoseconds, `duration` as Go prints a time.Duration).
 * Upstream: components-contrib bindings/postgres/postgres.go.
 */
import { goMarshal } from '../../json/go-json';

/** A JSON fragment written as is: exact numerics and 64-bit integers keep every digit. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Decodes `params`: absent, empty or `null` → no parameters; anything but a JSON array is an error. */
export function parseParams(raw: string | undefined): unknown[] {
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(`invalid metadata property params: failed to unserialize into an array: ${(err as Error).message}`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) {
    const got = typeof parsed === 'object' ? 'object' : typeof parsed;
    throw new Error(`invalid metadata property params: failed to unserialize into an array: expected a JSON array like [1,"a"], got ${got}`);
  }
  return parsed;
}

/** The `sql` request metadata, required by exec and query. */
export function requireSql(metadata: Record<string, string>): string {
  const sql = metadata.sql;
  if (sql === undefined || sql.trim() === '') throw new Error('required metadata not set: sql');
  return sql;
}

/** One value as Go's json.Marshal writes it ([]byte → base64 string, NaN/±Inf → error, strings escaped like Go). */
export function encodeValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v instanceof RawJson) return v.text;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`error serializing results: json: unsupported value: ${v}`);
    return JSON.stringify(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return goMarshal(v);
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  if (Array.isArray(v)) return `[${v.map(encodeValue).join(',')}]`;
  return goMarshal(v);
}

/** The `query` response body: `[[1,"a"],[2,"b"]]` (rows as arrays, never objects); no rows → `[]`. */
export function encodeRows(rows: readonly (readonly unknown[])[]): Buffer {
  return Buffer.from(`[${rows.map((r) => `[${r.map(encodeValue).join(',')}]`).join(',')}]`);
}

// Wall-clock nanoseconds: Date.now() anchors a monotonic high-resolution counter.
const EPOCH_NS = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

export function nowNs(): bigint {
  return EPOCH_NS + process.hrtime.bigint();
}

/** Go's time.RFC3339Nano in UTC: trailing zeros of the fraction dropped, no fraction when it is zero. */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

function withFraction(value: bigint, unit: bigint, digits: number): string {
  const whole = value / unit;
  const rest = (value % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : `${whole}`;
}

/** time.Duration.String(): `0s`, `850ns`, `1.5µs`, `12.345ms`, `2.5s`, `1m30s`, `2h0m0s`. */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${withFraction(u, 1_000n, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${withFraction(u, 1_000_000n, 6)}ms`;
  const hours = u / 3_600_000_000_000n;
  const minutes = (u / 60_000_000_000n) % 60n;
  const seconds = withFraction(u % 60_000_000_000n, 1_000_000_000n, 9);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** Starts the clock of one operation; `finish()` returns the metadata exec and query both answer with. */
export function startTiming(operation: string, sql: string): { finish(): Record<string, string> } {
  const start = nowNs();
  return {
    finish() {
      const end = nowNs();
      return { operation, sql, 'start-time': rfc3339Nano(start), 'end-time': rfc3339Nano(end), duration: goDuration(end - start) };
    },
  };
}
