/// <reference types="jest" />
/**
 * @module conformance/state-suite
 * What the state conformance case files share: the options a store's file passes, the per-run
 * context (key naming, HTTP calls against the store, assertion helpers) and `addCase`, which
 * registers a case or skips it with the reason in its name.
 */
import { randomBytes } from 'node:crypto';
import { call, outcome, type HttpResult } from './http';

export interface StateConformanceOptions {
  /** The component name (`metadata.name`) the sidecar loaded. */
  storeName: string;
  /** Base URL of the sidecar (`http://127.0.0.1:<port>`), or a function read when each case runs. */
  sidecarUrl: string | (() => string);
  /** Claimed features, as in /v1.0/metadata `capabilities`: ETAG, TRANSACTIONAL, TTL, QUERY_API, … */
  features: readonly string[];
  /** An ETag the store rejects as malformed (400), e.g. `not-a-number` for integer ETags; omit for free-form ETags. */
  badEtag?: string;
  /** Case id → reason: the case is registered as skipped, named "… (known failure: <reason>)". */
  knownFailures?: Record<string, string>;
  /** When set, every case is skipped with this reason (e.g. the backing service is missing). */
  skipAll?: string;
  /** Deadline for a key with a 2 s TTL to disappear (default 10 s). */
  ttlDeadlineMs?: number;
}

export const STATE_CONFORMANCE_FEATURES = { ETAG: 'ETAG', TRANSACTIONAL: 'TRANSACTIONAL', TTL: 'TTL', QUERY_API: 'QUERY_API' } as const;

type CaseFn = () => Promise<void>;

/** What every state case file gets from the runner. */
export interface StateSuiteContext {
  o: StateConformanceOptions;
  /** Unique id of this run; every key is named `conf-<run>-<name>`. */
  run: string;
  /** Every key a case wrote, deleted again after the suite. */
  written: Set<string>;
  has(feature: string): boolean;
  base(): string;
  storeUrl(): string;
  key(name: string): string;
  save(items: Array<Record<string, unknown>>, query?: string): Promise<HttpResult>;
  get(k: string): Promise<HttpResult>;
  del(k: string, etag?: string): Promise<HttpResult>;
  bulk(keys: string[], extra?: Record<string, unknown>): Promise<HttpResult>;
  transact(operations: Array<{ operation: string; request: Record<string, unknown> }>): Promise<HttpResult>;
  query(q: unknown): Promise<HttpResult>;
  etagOf(k: string): Promise<string>;
  expectValue(k: string, value: unknown): Promise<void>;
  expectMissing(k: string): Promise<void>;
  expectStatus(r: HttpResult, status: number, errorCode?: string): void;
  /** Registers one case, skipped (with the reason in its name) when a feature is unclaimed or it is a known failure. */
  addCase(id: string, title: string, needs: string[], fn: CaseFn, skipReason?: string): void;
}

export function createStateSuiteContext(o: StateConformanceOptions): StateSuiteContext {
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const written = new Set<string>();
  const has = (f: string): boolean => o.features.includes(f);
  const base = (): string => (typeof o.sidecarUrl === 'function' ? o.sidecarUrl() : o.sidecarUrl);
  const storeUrl = (): string => `${base()}/v1.0/state/${encodeURIComponent(o.storeName)}`;
  const key = (name: string): string => `conf-${run}-${name}`;

  const save = (items: Array<Record<string, unknown>>, query = ''): Promise<HttpResult> => {
    for (const it of items) written.add(String(it.key));
    return call('POST', storeUrl() + query, items);
  };
  const get = (k: string): Promise<HttpResult> => call('GET', `${storeUrl()}/${encodeURIComponent(k)}`);
  const del = (k: string, etag?: string): Promise<HttpResult> =>
    call('DELETE', `${storeUrl()}/${encodeURIComponent(k)}`, undefined, etag === undefined ? {} : { 'if-match': etag });
  const bulk = (keys: string[], extra: Record<string, unknown> = {}): Promise<HttpResult> => call('POST', `${storeUrl()}/bulk`, { keys, ...extra });
  const transact = (operations: Array<{ operation: string; request: Record<string, unknown> }>): Promise<HttpResult> => {
    for (const op of operations) written.add(String(op.request.key));
    return call('POST', `${storeUrl()}/transaction`, { operations });
  };
  const query = (q: unknown): Promise<HttpResult> =>
    call('POST', `${base()}/v1.0-alpha1/state/${encodeURIComponent(o.storeName)}/query?metadata.contentType=application/json&metadata.queryIndexName=qIndx`, q);
  const etagOf = async (k: string): Promise<string> => {
    const r = await get(k);
    expect({ status: r.status, etag: Boolean(r.headers.get('etag')) }).toEqual({ status: 200, etag: true });
    return r.headers.get('etag') as string;
  };
  const expectValue = async (k: string, value: unknown): Promise<void> => {
    const r = await get(k);
    expect({ status: r.status, body: r.text }).toEqual({ status: 200, body: JSON.stringify(value) });
  };
  const expectMissing = async (k: string): Promise<void> => {
    const r = await get(k);
    expect({ status: r.status, body: r.text, etag: r.headers.get('etag') }).toEqual({ status: 204, body: '', etag: null });
  };
  const expectStatus = (r: HttpResult, status: number, errorCode?: string): void => {
    expect(outcome(r)).toMatchObject(errorCode ? { status, errorCode } : { status });
  };

  const addCase = (id: string, title: string, needs: string[], fn: CaseFn, skipReason?: string): void => {
    const name = `${id}: ${title}`;
    const missing = needs.filter((f) => !has(f));
    const reason =
      o.skipAll ? `SKIPPED: ${o.skipAll}`
      : missing.length > 0 ? `store does not claim ${missing.join(' and ')}`
      : skipReason ? skipReason
      : o.knownFailures?.[id] ? `known failure: ${o.knownFailures[id]}`
      : undefined;
    if (reason) it.skip(`${name} (${reason})`, () => undefined);
    else it(name, fn);
  };

  return { o, run, written, has, base, storeUrl, key, save, get, del, bulk, transact, query, etagOf, expectValue, expectMissing, expectStatus, addCase };
}
