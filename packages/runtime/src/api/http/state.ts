/**
 * @module api/http/state
 * The state API over HTTP: save, get, delete, bulk get, transactions and the alpha query API
 * (`/v1.0-alpha1/state/{storeName}/query`). A thin adapter: each handler decodes the request (JSON
 * body with Go's case-insensitive field names, `metadata.*` query parameters, If-Match), calls the
 * operation in api/universal/state.ts and writes the answer. Values are stored JSON-encoded.
 */
import { commonErrors } from '../../errors/common';
import { jsonTooDeep } from '../../json/depth';
import { asObject, goField } from '../../json/go-fields';
import { readJSON } from '../../server/body';
import type { Endpoint, RequestContext } from '../../server/endpoints';
import { queryMetadata, queryParam } from '../../server/endpoints';
import { respondEmpty, respondJSON, respondRaw } from '../../server/respond';
import * as state from '../universal/state';
import * as stateBulk from '../universal/state-bulk';
import { universalOf } from './context';

function target(ctx: RequestContext): state.StateTarget {
  return state.stateTarget(universalOf(ctx.deps), ctx.params.storeName ?? '');
}

function stringMap(v: unknown, field: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  const r = asObject(v);
  if (!r) throw commonErrors.malformedRequest(`"${field}" must be an object of strings`);
  return Object.fromEntries(Object.entries(r).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
}

/** `{concurrency, consistency}` as sent; a value that is not an object means no options. */
function optionsOf(v: unknown): state.StateOptionsInput | undefined {
  const r = asObject(v);
  return r ? { concurrency: goField(r, 'concurrency'), consistency: goField(r, 'consistency') } : undefined;
}

function etagOf(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw commonErrors.malformedRequest(`${where}: "etag" must be a JSON string`);
  return v;
}

function keyOf(r: Record<string, unknown>): string {
  const key = goField(r, 'key');
  if (typeof key !== 'string' || key === '') throw commonErrors.malformedRequest('"key" is a required field');
  return key;
}

function jsonBytes(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v ?? null));
}

/** Stored bytes as a JSON value for bulk/query bodies; bytes that are not JSON go out as a string. */
function rawJSON(data: Buffer): unknown {
  const text = data.toString('utf8');
  if (jsonTooDeep(text)) return text; // JSON.stringify of the answer would overflow the stack
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function saveState(ctx: RequestContext): Promise<void> {
  const t = target(ctx);
  const body = await readJSON(ctx.req, ctx.deps.options.maxBodySize);
  if (!Array.isArray(body)) throw commonErrors.malformedRequest('the request body must be a JSON array of state items');
  const urlMeta = queryMetadata(ctx.rawQuery);
  const states = body.map((raw, i): state.StateItem => {
    const item = asObject(raw);
    if (!item) throw commonErrors.malformedRequest(`item ${i}: must be an object with "key" and "value"`);
    return {
      key: keyOf(item),
      value: jsonBytes(goField(item, 'value')),
      etag: etagOf(goField(item, 'etag'), `item ${i}`),
      metadata: { ...stringMap(goField(item, 'metadata'), `[${i}].metadata`), ...urlMeta },
      options: optionsOf(goField(item, 'options')),
    };
  });
  await state.saveState(t, { states });
  respondEmpty(ctx.res);
}

async function getState(ctx: RequestContext): Promise<void> {
  const t = target(ctx);
  const got = await state.getState(t, { key: ctx.params.key ?? '', metadata: queryMetadata(ctx.rawQuery), consistency: queryParam(ctx.rawQuery, 'consistency') });
  if (!got) {
    respondEmpty(ctx.res);
    return;
  }
  const headers: Record<string, string> = {};
  if (got.etag) headers.etag = got.etag;
  for (const [k, v] of Object.entries(got.metadata ?? {})) headers[`metadata.${k}`] = v;
  respondRaw(ctx.res, 200, got.data, headers);
}

async function deleteState(ctx: RequestContext): Promise<void> {
  const t = target(ctx);
  await state.deleteState(t, {
    key: ctx.params.key ?? '',
    etag: ctx.req.headers['if-match'],
    metadata: queryMetadata(ctx.rawQuery),
    options: { concurrency: queryParam(ctx.rawQuery, 'concurrency'), consistency: queryParam(ctx.rawQuery, 'consistency') },
  });
  respondEmpty(ctx.res);
}

function parallelismOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw commonErrors.malformedRequest('"parallelism" must be an integer');
  return v;
}

async function bulkGetState(ctx: RequestContext): Promise<void> {
  const t = target(ctx);
  const body = asObject(await readJSON(ctx.req, ctx.deps.options.maxBodySize));
  const keys = body && goField(body, 'keys');
  if (!body || !Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
    throw commonErrors.malformedRequest('the request body must be {"keys": ["k1", …]}');
  }
  const metadata = { ...stringMap(goField(body, 'metadata'), 'metadata'), ...queryMetadata(ctx.rawQuery) };
  const items = await stateBulk.getBulkState(t, { keys: keys as string[], metadata, parallelism: parallelismOf(goField(body, 'parallelism')) });
  respondJSON(
    ctx.res,
    200,
    items.map(({ key, data, etag, metadata: meta, error }) => {
      if (error !== undefined) return { key, error };
      if (data === undefined) return { key };
      const entry: Record<string, unknown> = { key, data: rawJSON(data) };
      if (etag) entry.etag = etag;
      if (meta) entry.metadata = meta;
      return entry;
    }),
  );
}

async function transactState(ctx: RequestContext): Promise<void> {
  const t = target(ctx);
  const body = asObject(await readJSON(ctx.req, ctx.deps.options.maxBodySize));
  if (!body) throw commonErrors.malformedRequest('the request body must be {"operations": […]}');
  const rawOps = goField(body, 'operations') ?? [];
  if (!Array.isArray(rawOps)) throw commonErrors.malformedRequest('"operations" must be a list');
  state.requireTransactional(t); // before the operations are checked, as daprd does
  const urlMeta = queryMetadata(ctx.rawQuery);
  const operations = rawOps.map((raw, i): state.TransactionRequest['operations'][number] => {
    const op = asObject(raw);
    const req = op && asObject(goField(op, 'request'));
    if (!op || !req) throw commonErrors.malformedRequest(`operations[${i}]: must have "operation" and "request"`);
    const operation = String(goField(op, 'operation'));
    return {
      operation,
      request: {
        key: keyOf(req),
        etag: etagOf(goField(req, 'etag'), `operations[${i}]`),
        metadata: { ...stringMap(goField(req, 'metadata'), `operations[${i}].request.metadata`), ...urlMeta },
        options: optionsOf(goField(req, 'options')),
        value: operation === 'upsert' ? jsonBytes(goField(req, 'value')) : undefined,
      },
    };
  });
  await state.transaction(t, { operations, metadata: { ...stringMap(goField(body, 'metadata'), 'metadata'), ...urlMeta } });
  respondEmpty(ctx.res);
}

async function queryState(ctx: RequestContext): Promise<void> {
  const t = target(ctx);
  state.requireQueryable(t); // before the body is read, as daprd does
  const query = await readJSON(ctx.req, ctx.deps.options.maxBodySize);
  const found = await state.queryState(t, { query, metadata: queryMetadata(ctx.rawQuery) });
  if (found.results.length === 0) {
    respondEmpty(ctx.res);
    return;
  }
  const results = found.results.map((r) => {
    const entry: Record<string, unknown> = { key: r.key, data: rawJSON(r.data) };
    if (r.etag) entry.etag = r.etag;
    if (r.error) entry.error = r.error;
    return entry;
  });
  const body: Record<string, unknown> = { results };
  if (found.token) body.token = found.token;
  body.metadata = found.metadata ?? {};
  respondJSON(ctx.res, 200, body);
}

export function stateEndpoints(): Endpoint[] {
  return [
    { name: 'SaveState', group: 'state', methods: ['POST', 'PUT'], route: '/v1.0/state/:storeName', handler: saveState },
    { name: 'GetState', group: 'state', methods: ['GET'], route: '/v1.0/state/:storeName/:key', handler: getState },
    { name: 'DeleteState', group: 'state', methods: ['DELETE'], route: '/v1.0/state/:storeName/:key', handler: deleteState },
    { name: 'GetBulkState', group: 'state', methods: ['POST', 'PUT'], route: '/v1.0/state/:storeName/bulk', handler: bulkGetState },
    { name: 'ExecuteStateTransaction', group: 'state', methods: ['POST', 'PUT'], route: '/v1.0/state/:storeName/transaction', handler: transactState },
    { name: 'QueryStateAlpha1', group: 'state', methods: ['POST', 'PUT'], route: '/v1.0-alpha1/state/:storeName/query', handler: queryState },
  ];
}
