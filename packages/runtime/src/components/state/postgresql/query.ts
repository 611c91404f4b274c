/**
 * @module components/state/postgresql/query
 * Translates Dapr's state query language (filter / sort / page) into the WHERE, ORDER BY, LIMIT and
 * OFFSET of one SELECT over the jsonb `value` column. Every path and value is a positional
 * parameter, never SQL text.
 */
import type { QueryFilter, QueryRequest } from '../contract';
import { NOT_EXPIRED } from './schema';

export interface BuiltQuery {
  /** Everything after `FROM <table>`: `WHERE … ORDER BY …` plus LIMIT/OFFSET when paging. */
  clauses: string;
  values: unknown[];
  /** Rows per page (0 = all); the SELECT asks for one more to know whether a page follows. */
  limit: number;
  offset: number;
}

/** Collects positional parameters: every value reaches PostgreSQL as a parameter, never as SQL text. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const COMPARISONS: Record<string, string> = { EQ: '=', NEQ: '<>', GT: '>', GTE: '>=', LT: '<', LTE: '<=' };

/** Builds the clauses for a query over the keys starting with `req.keyPrefix`; throws on a malformed query. */
export function buildQuery(req: QueryRequest): BuiltQuery {
  const sql = new Params();
  const where = [`key LIKE ${sql.add(escapeLike(req.keyPrefix) + '%')} ESCAPE '\\'`, NOT_EXPIRED, 'NOT isbinary'];
  if (req.filter && Object.keys(req.filter).length > 0) where.push(filterSql(req.filter, sql));
  const order = (req.sort ?? []).map((s) => {
    const dir = (s.order ?? 'ASC').toUpperCase();
    if (dir !== 'ASC' && dir !== 'DESC') throw new Error(`query: sort order must be ASC or DESC, got "${s.order}"`);
    return `value #> ${sql.add(jsonPath(s.key))}::text[] ${dir}`;
  });
  order.push('key ASC');
  const limit = req.page?.limit ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`query: page.limit must be a non-negative integer, got ${limit}`);
  const token = req.page?.token ?? '';
  if (token !== '' && !/^\d+$/.test(token)) throw new Error(`query: invalid page token "${token}"`);
  const offset = token === '' ? 0 : Number(token);
  let clauses = `WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')}`;
  // One row more than the page tells whether another page exists.
  if (limit > 0) clauses += ` LIMIT ${sql.add(limit + 1)}`;
  if (offset > 0) clauses += ` OFFSET ${sql.add(offset)}`;
  return { clauses, values: sql.values, limit, offset };
}

function filterSql(filter: QueryFilter, sql: Params): string {
  const entries = Object.entries(filter as Record<string, unknown>);
  if (entries.length !== 1) throw new Error(`query: each filter must have exactly one operator, got ${JSON.stringify(Object.keys(filter))}`);
  const [op, arg] = entries[0] as [string, unknown];
  if (op === 'AND' || op === 'OR') {
    if (!Array.isArray(arg) || arg.length === 0) throw new Error(`query: ${op} takes a non-empty list of filters`);
    return `(${arg.map((f: QueryFilter) => filterSql(f, sql)).join(` ${op} `)})`;
  }
  if (!(op in COMPARISONS) && op !== 'IN') throw new Error(`query: unknown filter operator "${op}"`);
  const fields = arg !== null && typeof arg === 'object' && !Array.isArray(arg) ? Object.entries(arg) : [];
  if (fields.length !== 1) throw new Error(`query: ${op} takes exactly one field, e.g. {"${op}": {"person.org": …}}`);
  const [path, literal] = fields[0] as [string, unknown];
  if (op === 'IN' && !Array.isArray(literal)) throw new Error(`query: IN on "${path}" takes a list of values`);
  if (op === 'IN' && (literal as unknown[]).length === 0) return 'FALSE';
  const p = `${sql.add(jsonPath(path))}::text[]`;
  if (op !== 'IN') return compareSql(p, op, literal, sql);
  if (!Array.isArray(literal)) throw new Error(`query: IN on "${path}" takes a list of values`);
  return `(${literal.map((v) => compareSql(p, 'EQ', v, sql)).join(' OR ')})`;
}

/** Numbers compare numerically (only against JSON numbers), strings as text, other literals as jsonb. */
function compareSql(path: string, op: string, literal: unknown, sql: Params): string {
  const cmp = COMPARISONS[op] as string;
  if (typeof literal === 'number') {
    return `(CASE WHEN jsonb_typeof(value #> ${path}) = 'number' THEN (value #>> ${path})::numeric END) ${cmp} ${sql.add(literal)}::numeric`;
  }
  if (typeof literal === 'string') return `(value #>> ${path}) ${cmp} ${sql.add(literal)}::text`;
  if (op !== 'EQ' && op !== 'NEQ') throw new Error(`query: ${op} needs a number or a string, got ${JSON.stringify(literal)}`);
  return `(value #> ${path}) ${cmp} ${sql.add(JSON.stringify(literal ?? null))}::jsonb`;
}

function jsonPath(key: string): string[] {
  const parts = key.split('.');
  if (key === '' || parts.some((p) => p === '')) throw new Error(`query: invalid field path "${key}"`);
  return parts;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
