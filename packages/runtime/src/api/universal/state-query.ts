/**
 * @module api/universal/state-query
 * The body of the alpha state query API (`/v1.0-alpha1/state/{storeName}/query`), checked and typed:
 * `filter` (one operator per object: EQ, NEQ, GT, GTE, LT, LTE, IN, AND, OR), `sort` and `page`.
 */
import type { QueryFilter, QueryRequest } from '../../components/state/contract';
import { commonErrors } from '../../errors/common';
import { asObject, goField } from '../../json/go-fields';

const COMPARISONS = ['EQ', 'NEQ', 'GT', 'GTE', 'LT', 'LTE'];

/** Checks the shape of a query filter (one operator per object) and returns it typed. */
function parseFilter(v: unknown, path: string): QueryFilter {
  const r = asObject(v);
  const ops = r ? Object.keys(r) : [];
  if (!r || ops.length !== 1) throw commonErrors.malformedRequest(`${path}: a filter must be an object with exactly one operator`);
  const op = ops[0] as string;
  const arg = r[op];
  if (op === 'AND' || op === 'OR') {
    if (!Array.isArray(arg) || arg.length === 0) throw commonErrors.malformedRequest(`${path}.${op}: must be a non-empty list of filters`);
    return { [op]: arg.map((f, i) => parseFilter(f, `${path}.${op}[${i}]`)) } as QueryFilter;
  }
  const fields = asObject(arg);
  if (!fields || Object.keys(fields).length !== 1) throw commonErrors.malformedRequest(`${path}.${op}: must be an object with exactly one field`);
  if (op === 'IN') {
    if (!Object.values(fields).every(Array.isArray)) throw commonErrors.malformedRequest(`${path}.IN: the field's value must be a list`);
    return { IN: fields as Record<string, unknown[]> };
  }
  if (!COMPARISONS.includes(op)) throw commonErrors.malformedRequest(`${path}: unknown filter operator ${JSON.stringify(op)}`);
  return { [op]: fields } as QueryFilter;
}

/**
 * components-contrib `query.Query` reads `filter`, `sort` and `page` from a map (exact keys), then
 * decodes each sort entry and the page into Go structs (field names case-insensitive).
 */
export function parseQuery(v: unknown): Omit<QueryRequest, 'keyPrefix' | 'metadata'> {
  const body = asObject(v);
  if (!body) throw commonErrors.malformedRequest('the query must be a JSON object {"filter", "sort", "page"}');
  const out: Omit<QueryRequest, 'keyPrefix' | 'metadata'> = {};
  if (body.filter !== undefined && body.filter !== null && !(asObject(body.filter) && Object.keys(body.filter as object).length === 0)) {
    out.filter = parseFilter(body.filter, 'filter');
  }
  if (body.sort !== undefined && body.sort !== null) {
    if (!Array.isArray(body.sort)) throw commonErrors.malformedRequest('"sort" must be a list of {"key", "order"}');
    out.sort = body.sort.map((raw, i) => {
      const e = asObject(raw);
      const key = e && goField(e, 'key');
      if (!e || typeof key !== 'string' || key === '') throw commonErrors.malformedRequest(`sort[${i}]: "key" is a required string`);
      const order = goField(e, 'order');
      if (order !== undefined && order !== 'ASC' && order !== 'DESC') throw commonErrors.malformedRequest(`sort[${i}]: "order" must be ASC or DESC`);
      return order ? { key, order } : { key };
    });
  }
  if (body.page !== undefined && body.page !== null) {
    const p = asObject(body.page);
    if (!p) throw commonErrors.malformedRequest('"page" must be an object {"limit", "token"}');
    const limit = goField(p, 'limit');
    const token = goField(p, 'token');
    if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)) {
      throw commonErrors.malformedRequest('page.limit must be a non-negative integer');
    }
    if (token !== undefined && typeof token !== 'string') throw commonErrors.malformedRequest('page.token must be a string');
    out.page = {};
    if (limit !== undefined) out.page.limit = limit as number;
    if (token !== undefined && token !== '') out.page.token = token as string;
  }
  return out;
}
