/**
 * @module components/bindings/postgresql/types
 * How query results are decoded so the JSON matches what daprd's driver (pgx v5 `rows.Values()`,
 * then json.Marshal) produces:
 * - int8 and numeric keep every digit as JSON numbers (NaN/±Infinity numerics become strings);
 * - date, timestamp and timestamptz become RFC 3339 strings in UTC with up to microseconds
 *   (`2024-05-01T10:00:00.5Z`; a date is midnight UTC); ±infinity stays a string;
 * - bytea becomes a base64 string; json/jsonb is re-encoded like Go (keys sorted);
 * - uuid becomes an array of its 16 bytes, exactly as pgx's [16]byte marshals (a daprd quirk kept on
 *   purpose: select `id::text` for the usual form);
 * - booleans, smallint, int, oid and floats are plain JSON values; arrays of those types are arrays;
 * - every other type is its PostgreSQL text form as a string.
 */
import pg from 'pg';
import { RawJson } from '../sql-shared';

const OID = {
  BOOL: 16,
  BYTEA: 17,
  INT8: 20,
  INT2: 21,
  INT4: 23,
  OID: 26,
  JSON: 114,
  FLOAT4: 700,
  FLOAT8: 701,
  DATE: 1082,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
  NUMERIC: 1700,
  UUID: 2950,
  JSONB: 3802,
} as const;

/** Arrays whose elements pg already decodes as JSON-friendly values (bool[], int2[], int4[], text[], varchar[], float4[], float8[]). */
const PLAIN_ARRAYS = new Set([1000, 1005, 1007, 1009, 1015, 1021, 1022]);

function exactNumber(text: string): RawJson | string {
  return /^-?\d+(\.\d+)?$/.test(text) ? new RawJson(text) : text;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

/** PostgreSQL's ISO text (`2024-05-01 12:00:00.5+02`) → `2024-05-01T10:00:00.5Z`; other forms stay as text. */
export function timestampToRfc3339(text: string): string {
  const m = TIMESTAMP.exec(text);
  if (!m) return text; // infinity, -infinity, BC dates, years past 9999
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', sign, oh = '0', om = '0', os = '0'] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  const offsetMs = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os)) * 1000 : 0;
  const utc = new Date(date.getTime() - offsetMs).toISOString().slice(0, 19);
  const fraction = frac.replace(/0+$/, '');
  return `${utc}${fraction ? `.${fraction}` : ''}Z`;
}

function uuidBytes(text: string): RawJson {
  const hex = text.replace(/-/g, '');
  return new RawJson(`[${Buffer.from(hex, 'hex').join(',')}]`);
}

const asText = (text: string): string => text;

/** pg's `types` option for binding queries (text format). */
export const BINDING_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
    switch (oid) {
      case OID.INT8:
      case OID.NUMERIC:
        return exactNumber;
      case OID.DATE:
      case OID.TIMESTAMP:
      case OID.TIMESTAMPTZ:
        return timestampToRfc3339;
      case OID.UUID:
        return uuidBytes;
      case OID.BOOL:
      case OID.BYTEA:
      case OID.INT2:
      case OID.INT4:
      case OID.OID:
      case OID.JSON:
      case OID.JSONB:
      case OID.FLOAT4:
      case OID.FLOAT8:
        return pg.types.getTypeParser(oid, format ?? 'text') as (text: string) => unknown;
      default:
        return PLAIN_ARRAYS.has(oid) ? (pg.types.getTypeParser(oid, format ?? 'text') as (text: string) => unknown) : asText;
    }
  },
};
