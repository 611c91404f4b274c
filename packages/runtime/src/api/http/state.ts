/**
 * @module api/http/state
 * The state API: save, get, delete, bulk get and transactions over any configured state store.
 * Values are stored JSON-encoded; keys are prefixed per the component's keyPrefix (appid by default).
 * Also the alpha query API (`/v1.0-alpha1/state/{storeName}/query`) for stores with QUERY_API.
 */
import { ETagInvalidError, ETagMismatchError } from '../../components/errors';
import {
  isQueryable,
  isTransactional,
  type StateOptions,
  type StateStore,
  type TransactionOperation,
} from '../../components/state/contract';
import { commonErrors } from '../../errors/common';
import { asObject, goField } from '../../json/go-fields';
import { stateErrors } from '../../errors/state';
import type { DaprError } from '../../errors/dapr-error';
import { jsonTooDeep } from '../../json/depth';
import { readJSON } from '../../server/body';
import type { Endpoint, RequestContext } from '../../server/endpoints';
import { queryMetadata, queryParam } from '../../server/endpoints';
import { respondEmpty, respondJSON, respondRaw } from '../../server/respond';
import { parseQuery } from './state-query';

interface ResolvedStore {
  store: StateStore;
  errors: ReturnType<typeof stateErrors>;
  /** The key prefix including `||`, or '' for keyPrefix none. */
  base: string;
  prefix(key: string): string;
  unprefix(key: string): string;
}

function resolveStore(ctx: RequestContext): ResolvedStore {
  const name = ctx.params.storeName ?? '';
  const { appId, namespace } = ctx.deps.options;
  const errors = stateErrors(name, appId);
  const found = ctx.deps.store.lookup<StateStore>('state', name);
  if (!found.ok) throw found.reason === 'not-configured' ? errors.notConfigured() : errors.notFound();
  const meta = found.component.manifest.metadata.find((m) => m.name.toLowerCase() === 'keyprefix')?.value ?? 'appid';
  const strategy = meta.toLowerCase();
  const base =
    strategy === 'appid' ? appId
    : strategy === 'name' ? name
    : strategy === 'namespace' ? (namespace ? `${namespace}.${appId}` : appId)
    : strategy === 'none' ? ''
    : meta;
  return {
    store: found.component.instance,
    errors,
    base: base ? `${base}||` : '',
    prefix: (key) => {
      if (key.includes('||')) throw errors.illegalKey(key);
      return base ? `${base}||${key}` : key;
    },
    unprefix: (key) => (base && key.startsWith(`${base}||`) ? key.slice(base.length + 2) : key),
  };
}

function stringMap(v: unknown, field: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  const r = asObject(v);
  if (!r) throw commonErrors.malformedRequest(`"${field}" must be an object of strings`);
  return Object.fromEntries(Object.entries(r).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
}

function parseOptions(v: unknown, onBad: (msg: string) => DaprError): StateOptions | undefined {
  const r = asObject(v);
  if (!r) return undefined;
  const out: StateOptions = {};
  const concurrency = goField(r, 'concurrency');
  if (concurrency !== undefined && concurrency !== '') {
    if (concurrency !== 'first-write' && concurrency !== 'last-write') throw onBad(`invalid concurrency ${JSON.stringify(concurrency)}`);
    out.concurrency = concurrency;
  }
  const consistency = goField(r, 'consistency');
  if (consistency !== undefined && consistency !== '') {
    if (consistency !== 'strong' && consistency !== 'eventual') throw onBad(`invalid consistency ${JSON.stringify(consistency)}`);
    out.consistency = consistency;
  }
  return out;
}

function etagOf(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw commonErrors.malformedRequest(`${where}: "etag" must be a JSON string`);
  return v;
}

function mapComponentError(err: unknown, make: (cause: unknown, status?: number) => DaprError): DaprError {
  if (err instanceof ETagMismatchError) return make(err, 409);
  if (err instanceof ETagInvalidError) return make(err, 400);
  return make(err);
}

async function saveState(ctx: RequestContext): Promise<void> {
  const s = resolveStore(ctx);
  const body = await readJSON(ctx.req, ctx.deps.options.maxBodySize);
  if (!Array.isArray(body)) throw commonErrors.malformedRequest('the request body must be a JSON array of state items');
  const urlMeta = queryMetadata(ctx.rawQuery);
  const items = body.map((raw, i) => {
    const item = asObject(raw);
    if (!item) throw commonErrors.malformedRequest(`item ${i}: must be an object with "key" and "value"`);
    const key = goField(item, 'key');
    if (typeof key !== 'string' || key === '') throw commonErrors.malformedRequest('"key" is a required field');
    return {
      key: s.prefix(key),
      value: Buffer.from(JSON.stringify(goField(item, 'value') ?? null)),
      etag: etagOf(goField(item, 'etag'), `item ${i}`),
      metadata: { ...stringMap(goField(item, 'metadata'), `[${i}].metadata`), ...urlMeta },
      options: parseOptions(goField(item, 'options'), (m) => s.errors.save(new Error(m))),
    };
  });
  for (const item of items) {
    try {
      await s.store.set(item);
    } catch (err) {
      throw mapComponentError(err, s.errors.save);
    }
  }
  respondEmpty(ctx.res);
}

async function getState(ctx: RequestContext): Promise<void> {
  const s = resolveStore(ctx);
  const key = ctx.params.key ?? '';
  const consistency = queryParam(ctx.rawQuery, 'consistency');
  let got;
  try {
    got = await s.store.get({ key: s.prefix(key), metadata: queryMetadata(ctx.rawQuery), options: consistency ? { consistency: consistency as StateOptions['consistency'] } : undefined });
  } catch (err) {
    if ((err as DaprError).name === 'DaprError') throw err;
    throw s.errors.get(key, err);
  }
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
  const s = resolveStore(ctx);
  const key = ctx.params.key ?? '';
  const ifMatch = ctx.req.headers['if-match'];
  const options = parseOptions(
    { concurrency: queryParam(ctx.rawQuery, 'concurrency'), consistency: queryParam(ctx.rawQuery, 'consistency') },
    (m) => s.errors.delete(key, new Error(m)),
  );
  try {
    await s.store.delete({ key: s.prefix(key), etag: ifMatch || undefined, metadata: queryMetadata(ctx.rawQuery), options });
  } catch (err) {
    if ((err as DaprError).name === 'DaprError') throw err;
    throw mapComponentError(err, (cause, status) => s.errors.delete(key, cause, status));
  }
  respondEmpty(ctx.res);
}

/** Bulk get fans out to `get` with at most this many reads in flight when `parallelism` is unset (daprd's limiter default). */
const DEFAULT_BULK_PARALLELISM = 100;

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function parallelismOf(v: unknown): number {
  if (v === undefined || v === null) return DEFAULT_BULK_PARALLELISM;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw commonErrors.malformedRequest('"parallelism" must be an integer');
  return v > 0 ? v : DEFAULT_BULK_PARALLELISM;
}

async function bulkGetState(ctx: RequestContext): Promise<void> {
  const s = resolveStore(ctx);
  const body = asObject(await readJSON(ctx.req, ctx.deps.options.maxBodySize));
  const requested = body && goField(body, 'keys');
  if (!body || !Array.isArray(requested) || requested.some((k) => typeof k !== 'string')) {
    throw commonErrors.malformedRequest('the request body must be {"keys": ["k1", …]}');
  }
  const metadata = { ...stringMap(goField(body, 'metadata'), 'metadata'), ...queryMetadata(ctx.rawQuery) };
  const keys = (requested as string[]).map((key) => ({ key, stored: s.prefix(key) }));
  const results = await mapBounded(keys, parallelismOf(goField(body, 'parallelism')), async ({ key, stored }) => {
    try {
      const got = await s.store.get({ key: stored, metadata });
      if (!got) return { key };
      const entry: Record<string, unknown> = { key, data: rawJSON(got.data) };
      if (got.etag) entry.etag = got.etag;
      if (got.metadata && Object.keys(got.metadata).length > 0) entry.metadata = got.metadata;
      return entry;
    } catch (err) {
      return { key, error: err instanceof Error ? err.message : String(err) };
    }
  });
  respondJSON(ctx.res, 200, results);
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

async function transactState(ctx: RequestContext): Promise<void> {
  const s = resolveStore(ctx);
  const body = asObject(await readJSON(ctx.req, ctx.deps.options.maxBodySize));
  if (!body) throw commonErrors.malformedRequest('the request body must be {"operations": […]}');
  const rawOps = goField(body, 'operations') ?? [];
  if (!Array.isArray(rawOps)) throw commonErrors.malformedRequest('"operations" must be a list');
  if (!isTransactional(s.store)) throw s.errors.transactionsNotSupported();
  const urlMeta = queryMetadata(ctx.rawQuery);
  const ops: TransactionOperation[] = rawOps.map((raw, i) => {
    const op = asObject(raw);
    const req = op && asObject(goField(op, 'request'));
    if (!op || !req) throw commonErrors.malformedRequest(`operations[${i}]: must have "operation" and "request"`);
    const key = goField(req, 'key');
    if (typeof key !== 'string' || key === '') throw commonErrors.malformedRequest('"key" is a required field');
    const common = {
      key: s.prefix(key),
      etag: etagOf(goField(req, 'etag'), `operations[${i}]`),
      metadata: { ...stringMap(goField(req, 'metadata'), `operations[${i}].request.metadata`), ...urlMeta },
      options: parseOptions(goField(req, 'options'), (m) => s.errors.transaction(new Error(m))),
    };
    const operation = goField(op, 'operation');
    if (operation === 'upsert') return { operation: 'upsert', request: { ...common, value: Buffer.from(JSON.stringify(goField(req, 'value') ?? null)) } };
    if (operation === 'delete') return { operation: 'delete', request: common };
    throw s.errors.operationNotSupported(String(operation));
  });
  if (ops.length > 0) {
    try {
      await s.store.multi(ops, { ...stringMap(goField(body, 'metadata'), 'metadata'), ...urlMeta });
    } catch (err) {
      throw s.errors.transaction(err);
    }
  }
  respondEmpty(ctx.res);
}

async function queryState(ctx: RequestContext): Promise<void> {
  const s = resolveStore(ctx);
  if (!isQueryable(s.store)) throw s.errors.queryNotSupported();
  const query = parseQuery(await readJSON(ctx.req, ctx.deps.options.maxBodySize));
  let found;
  try {
    found = await s.store.query({ ...query, keyPrefix: s.base, metadata: queryMetadata(ctx.rawQuery) });
  } catch (err) {
    throw s.errors.query(err);
  }
  if (found.results.length === 0) {
    respondEmpty(ctx.res);
    return;
  }
  const results = found.results.map((r) => {
    const entry: Record<string, unknown> = { key: s.unprefix(r.key), data: rawJSON(r.data) };
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
