/**
 * @module pubsub/subscriptions
 * The Subscription model shared by programmatic (GET /dapr/subscribe) and declarative (YAML)
 * subscriptions, and the rule construction of dapr `pkg/runtime/pubsub/subscriptions.go`: the
 * `routes.rules` in order, then one catch-all from `routes.default`, else from `route`.
 */
import { goField } from '../json/go-fields';
import { compileMatch, RuleSyntaxError, type Predicate } from './routing';

export type SubscriptionType = 'PROGRAMMATIC' | 'DECLARATIVE' | 'STREAMING';

export interface Rule {
  /** The CEL source ('' = always true). */
  match: string;
  path: string;
  test: Predicate;
}

export interface BulkSubscribe {
  enabled: boolean;
  maxMessagesCount?: number;
  maxAwaitDurationMs?: number;
}

export interface Subscription {
  pubsubname: string;
  topic: string;
  metadata: Record<string, string>;
  rules: Rule[];
  deadLetterTopic: string;
  bulkSubscribe?: BulkSubscribe;
  type: SubscriptionType;
  /** Where it came from, for messages ("GET /dapr/subscribe item 2", "sub.yaml: subscription \"s\""). */
  source: string;
}

/** The shape GET /v1.0/metadata reports. */
export interface SubscriptionInfo {
  pubsubname: string;
  topic: string;
  metadata?: Record<string, string>;
  rules: Array<{ match?: string; path: string }>;
  deadLetterTopic: string;
  type: SubscriptionType;
}

/** A problem with one field of one subscription; the caller decides whether it is fatal. */
export class SubscriptionError extends Error {
  constructor(
    readonly source: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${source}: field "${field}" ${detail}`);
    this.name = 'SubscriptionError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function optionalString(v: unknown, source: string, field: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new SubscriptionError(source, field, 'must be a string');
  return v;
}

function requiredString(v: unknown, source: string, field: string): string {
  const s = optionalString(v, source, field);
  if (s === '') throw new SubscriptionError(source, field, 'is required');
  return s;
}

function stringMap(v: unknown, source: string, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) throw new SubscriptionError(source, field, 'must be a map of strings');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
    else throw new SubscriptionError(source, `${field}.${k}`, 'must be a string');
  }
  return out;
}

function bulk(v: unknown, source: string, field: string): BulkSubscribe | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw new SubscriptionError(source, field, 'must be a mapping');
  const enabled = goField(v, 'enabled');
  const out: BulkSubscribe = { enabled: enabled === true || enabled === 'true' };
  for (const k of ['maxMessagesCount', 'maxAwaitDurationMs'] as const) {
    const raw = goField(v, k);
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new SubscriptionError(source, `${field}.${k}`, 'must be a non-negative integer');
    out[k] = n;
  }
  return out;
}

function rule(match: string, path: string, source: string, field: string): Rule {
  try {
    return { match, path, test: compileMatch(match) };
  } catch (err) {
    if (err instanceof RuleSyntaxError) throw new SubscriptionError(source, field, `has an unsupported match expression ${JSON.stringify(match)}: ${err.message}`);
    throw err;
  }
}

export interface RawSubscriptionFields {
  pubsubname: unknown;
  topic: unknown;
  route?: unknown;
  routes?: unknown;
  deadLetterTopic?: unknown;
  metadata?: unknown;
  bulkSubscribe?: unknown;
}

/** The subscription fields of a /dapr/subscribe item or a declarative `spec`, read as Go decodes them (names case-insensitive). */
export function subscriptionFields(obj: Record<string, unknown>): RawSubscriptionFields {
  return {
    pubsubname: goField(obj, 'pubsubname'),
    topic: goField(obj, 'topic'),
    route: goField(obj, 'route'),
    routes: goField(obj, 'routes'),
    deadLetterTopic: goField(obj, 'deadLetterTopic'),
    metadata: goField(obj, 'metadata'),
    bulkSubscribe: goField(obj, 'bulkSubscribe'),
  };
}

/**
 * Builds one subscription; `prefix` is how fields are named in messages ('' or 'spec.').
 * Throws SubscriptionError for a malformed field; returns undefined when it ends with zero rules.
 */
export function buildSubscription(raw: RawSubscriptionFields, type: SubscriptionType, source: string, prefix = ''): Subscription | undefined {
  const pubsubname = requiredString(raw.pubsubname, source, `${prefix}pubsubname`);
  const topic = requiredString(raw.topic, source, `${prefix}topic`);
  const route = optionalString(raw.route, source, `${prefix}route`);
  const rules: Rule[] = [];
  let defaultPath = '';
  if (raw.routes !== undefined && raw.routes !== null) {
    if (!isRecord(raw.routes)) throw new SubscriptionError(source, `${prefix}routes`, 'must be a mapping with "rules" and/or "default"');
    defaultPath = optionalString(goField(raw.routes, 'default'), source, `${prefix}routes.default`);
    const list = goField(raw.routes, 'rules') ?? [];
    if (!Array.isArray(list)) throw new SubscriptionError(source, `${prefix}routes.rules`, 'must be a list');
    list.forEach((r: unknown, i) => {
      const field = `${prefix}routes.rules[${i}]`;
      if (!isRecord(r)) throw new SubscriptionError(source, field, 'must be a mapping with "match" and "path"');
      const path = requiredString(goField(r, 'path'), source, `${field}.path`);
      rules.push(rule(optionalString(goField(r, 'match'), source, `${field}.match`), path, source, `${field}.match`));
    });
  }
  const catchAll = defaultPath !== '' ? defaultPath : route;
  if (catchAll !== '') rules.push(rule('', catchAll, source, `${prefix}route`));
  if (rules.length === 0) return undefined;
  return {
    pubsubname,
    topic,
    metadata: stringMap(raw.metadata, source, `${prefix}metadata`),
    rules,
    deadLetterTopic: optionalString(raw.deadLetterTopic, source, `${prefix}deadLetterTopic`),
    bulkSubscribe: bulk(raw.bulkSubscribe, source, `${prefix}bulkSubscribe`),
    type,
    source,
  };
}

export function toInfo(s: Subscription): SubscriptionInfo {
  const info: SubscriptionInfo = {
    pubsubname: s.pubsubname,
    topic: s.topic,
    rules: s.rules.map((r) => (r.match ? { match: r.match, path: r.path } : { path: r.path })),
    deadLetterTopic: s.deadLetterTopic,
    type: s.type,
  };
  if (Object.keys(s.metadata).length > 0) info.metadata = s.metadata;
  return info;
}

/** Declarative subscriptions win over programmatic ones for the same pub/sub and topic (as daprd). */
export function mergeSubscriptions(declarative: Subscription[], programmatic: Subscription[], warn: (msg: string) => void): Subscription[] {
  const taken = new Set(declarative.map((s) => `${s.pubsubname}\u0000${s.topic}`));
  const out = [...declarative];
  for (const s of programmatic) {
    const key = `${s.pubsubname}\u0000${s.topic}`;
    if (taken.has(key)) {
      warn(`${s.source}: a subscription to topic "${s.topic}" on pub/sub "${s.pubsubname}" already exists; ignoring this one`);
      continue;
    }
    taken.add(key);
    out.push(s);
  }
  return out;
}

export function isRawRecord(v: unknown): v is Record<string, unknown> {
  return isRecord(v);
}
