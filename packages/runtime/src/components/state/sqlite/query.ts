/**
 * @module components/state/sqlite/query
 * Translates Dapr's state query language (filter / sort / page) into one SQLite SELECT over the
 * JSON values with JSON1 functions. Every path and value is a bound parameter, never SQL text.
 */
import type { QueryRequest } from '../contract';

export type SqlParam = string | number | null;

export interface BuiltQuery {
  sql: string;
  params: SqlParam[];
  /** Rows to return (undefined = all); the SELECT asks for one more to know whether a page follows. */
  limit?: number;
  offset: number;
}

const COMPARISONS = { EQ: '=', NEQ: '!=', GT: '>', GTE: '>=', LT: '<', LTE: '<=' } as const;

/** `person.org` → `$."person"."org"` (a JSON path with every segment quoted). */
export function jsonPath(field: string): string {
  const segments = field.split('.');
  if (field === '' || segments.some((s) => s === '' || s.includes('"'))) {
    throw new Error(`query: invalid field path "${field}"`);
  }
  return '$' + segments.map((s) => `."${s}"`).join('');
}

function sqlValue(v: unknown, where: string): SqlParam {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`query: ${where}: number out of range`);
    return v;
  }
  // json_extract returns JSON true/false as the integers 1/0.
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  throw new Error(`query: ${where}: unsupported value ${String(v)}`);
}

function single(op: string, arg: unknown): [string, unknown] {
  const entries = arg !== null && typeof arg === 'object' && !Array.isArray(arg) ? Object.entries(arg) : [];
  if (entries.length !== 1) throw new Error(`query: ${op} needs an object with exactly one field, e.g. {"${op}": {"state": "CA"}}`);
  return entries[0] as [string, unknown];
}

function buildFilter(filter: unknown, params: SqlParam[]): string {
  const entries = filter !== null && typeof filter === 'object' && !Array.isArray(filter) ? Object.entries(filter) : [];
  if (entries.length !== 1) throw new Error('query: each filter must be an object with exactly one operator (EQ, NEQ, GT, GTE, LT, LTE, IN, AND, OR)');
  const [op, arg] = entries[0] as [string, unknown];
  if (op === 'AND' || op === 'OR') {
    if (!Array.isArray(arg) || arg.length === 0) throw new Error(`query: ${op} needs a non-empty list of filters`);
    return '(' + arg.map((f) => buildFilter(f, params)).join(` ${op} `) + ')';
  }
  if (op === 'IN') {
    const [field, list] = single(op, arg);
    if (!Array.isArray(list)) throw new Error(`query: IN needs a list of values for "${field}"`);
    if (list.length === 0) return '0';
    params.push(jsonPath(field), ...list.map((v) => sqlValue(v, `IN "${field}"`)));
    return `json_extract(value, ?) IN (${list.map(() => '?').join(', ')})`;
  }
  if (op in COMPARISONS) {
    const [field, v] = single(op, arg);
    const sqlOp = COMPARISONS[op as keyof typeof COMPARISONS];
    if (v === null && (op === 'EQ' || op === 'NEQ')) {
      params.push(jsonPath(field));
      return `json_type(value, ?) ${op === 'EQ' ? '=' : '!='} 'null'`;
    }
    params.push(jsonPath(field), sqlValue(v, `${op} "${field}"`));
    return `json_extract(value, ?) ${sqlOp} ?`;
  }
  throw new Error(`query: unknown filter operator "${op}"`);
}

/**
 * Builds the SELECT. `table` is already a validated, quoted identifier. Rows are restricted to
 * JSON values under `req.keyPrefix` that have not expired (`?` for now is the first parameter).
 */
export function buildQuery(table: string, req: QueryRequest, now: string): BuiltQuery {
  const params: SqlParam[] = [now, req.keyPrefix, req.keyPrefix];
  const where = ['(expiration_time IS NULL OR expiration_time > ?)', 'substr(key, 1, length(?)) = ?', 'is_binary = 0'];
  if (req.filter !== undefined && req.filter !== null && Object.keys(req.filter).length > 0) where.push(buildFilter(req.filter, params));

  const order: string[] = [];
  if (req.sort !== undefined && !Array.isArray(req.sort)) throw new Error('query: "sort" must be a list');
  for (const s of req.sort ?? []) {
    if (!s || typeof s.key !== 'string') throw new Error('query: each sort entry needs a "key"');
    const dir = s.order === undefined || s.order === null ? 'ASC' : String(s.order).toUpperCase();
    if (dir !== 'ASC' && dir !== 'DESC') throw new Error(`query: sort order must be ASC or DESC, got "${String(s.order)}"`);
    params.push(jsonPath(s.key));
    order.push(`json_extract(value, ?) ${dir}`);
  }
  // The key breaks ties, so pages are stable.
  order.push('key ASC');

  const rawLimit = req.page?.limit;
  if (rawLimit !== undefined && rawLimit !== null && (!Number.isInteger(rawLimit) || rawLimit < 0)) {
    throw new Error(`query: page.limit must be a non-negative integer, got ${JSON.stringify(rawLimit)}`);
  }
  const limit = rawLimit ? rawLimit : undefined;
  const token = req.page?.token;
  let offset = 0;
  if (token !== undefined && token !== null && token !== '') {
    if (typeof token !== 'string' || !/^\d{1,15}$/.test(token)) throw new Error(`query: invalid pagination token ${JSON.stringify(token)}`);
    offset = Number(token);
  }
  params.push(limit === undefined ? -1 : limit + 1, offset);
  const sql =
    `SELECT key, value, etag FROM ${table} WHERE ${where.join(' AND ')} ` + `ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params, limit, offset };
}
