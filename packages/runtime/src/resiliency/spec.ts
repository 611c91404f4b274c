/**
 * @module resiliency/spec
 * A Resiliency resource (dapr.io/v1alpha1) validated into typed policies and targets. Every problem
 * is collected and thrown as one ConfigError whose lines name the file, the resource and the field,
 * e.g. `resources/resiliency.yaml: Resiliency myresiliency: spec.policies.retries.retryForever.duration: "5x" is not a duration`.
 *
 * Defaults are Dapr's (dapr/kit retry.DefaultConfig, gobreaker): retries constant every 5s, forever;
 * exponential from 500ms, ×1.5, ±50 %, capped at 60s, for at most 15m; breakers trip on
 * `consecutiveFailures > 5`, stay open 60s, probe with 1 request and never reset counts while closed.
 */
import type { RawResource } from '../components/loader';
import { ConfigError } from '../errors/startup';
import { VALID_GRPC_CODES, VALID_HTTP_CODES, type CodeRange, type RetrySpec } from './backoff';
import type { BreakerSpec } from './breaker';
import { parseResiliencyDuration } from './duration';
import { compileTrip, TripSyntaxError } from './trip';

/** The policy names a target refers to (empty = none of that kind). */
export interface TargetPolicies {
  timeout?: string;
  retry?: string;
  circuitBreaker?: string;
  /** Apps: how many methods keep their own breaker (least recently used dropped first); absent = 100. */
  circuitBreakerCacheSize?: number;
}

export interface ComponentTargets {
  inbound: TargetPolicies;
  outbound: TargetPolicies;
}

export interface ResiliencySpec {
  name: string;
  namespace?: string;
  /** Where it was loaded from (for messages). */
  file: string;
  scopes: string[];
  timeouts: Map<string, number>;
  retries: Map<string, RetrySpec>;
  circuitBreakers: Map<string, BreakerSpec>;
  apps: Map<string, TargetPolicies>;
  /** Parsed and checked, not used (minidapr has no actors). */
  actors: Map<string, TargetPolicies>;
  components: Map<string, ComponentTargets>;
}

export const DEFAULT_RETRY: Omit<RetrySpec, 'name'> = Object.freeze({
  policy: 'constant',
  durationMs: 5000,
  initialIntervalMs: 500,
  randomizationFactor: 0.5,
  multiplier: 1.5,
  maxIntervalMs: 60_000,
  maxElapsedTimeMs: 15 * 60_000,
  maxRetries: -1,
});

export const DEFAULT_TRIP = 'consecutiveFailures > 5';
const DEFAULT_BREAKER_TIMEOUT_MS = 60_000;
const RETRY_FIELDS = new Set(['policy', 'duration', 'initialInterval', 'randomizationFactor', 'multiplier', 'maxInterval', 'maxElapsedTime', 'maxRetries', 'matching']);
const BREAKER_FIELDS = new Set(['maxRequests', 'interval', 'timeout', 'trip']);
const TARGET_FIELDS = new Set(['timeout', 'retry', 'circuitBreaker', 'circuitBreakerScope', 'circuitBreakerCacheSize']);

type Json = Record<string, unknown>;

/** Collects problems as `<file>: Resiliency <name>: <field>: <message>`. */
class Problems {
  readonly lines: string[] = [];
  constructor(private readonly prefix: string) {}
  add(field: string, message: string): void {
    this.lines.push(`${this.prefix}: ${field}: ${message}`);
  }
}

/** Validates a Resiliency resource; throws ConfigError listing every problem. */
export function parseResiliency(raw: RawResource): ResiliencySpec {
  const p = new Problems(`${raw.file}: Resiliency ${raw.name}`);
  const meta = record(raw.doc.metadata);
  const spec = record(raw.doc.spec);
  const out: ResiliencySpec = {
    name: raw.name,
    namespace: typeof meta?.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined,
    file: raw.file,
    scopes: Array.isArray(raw.doc.scopes) ? raw.doc.scopes.map(String) : [],
    timeouts: new Map(),
    retries: new Map(),
    circuitBreakers: new Map(),
    apps: new Map(),
    actors: new Map(),
    components: new Map(),
  };
  if (!spec) {
    p.add('spec', 'is required (a mapping with policies and targets)');
    throw new ConfigError(p.lines);
  }
  const policies = mapping(spec.policies, 'spec.policies', p);
  for (const [name, v] of entries(policies?.timeouts, 'spec.policies.timeouts', p)) {
    const ms = parseResiliencyDuration(v);
    if (ms === undefined) p.add(`spec.policies.timeouts.${name}`, `${JSON.stringify(v)} is not a duration (e.g. 5s, 500ms, 1m30s)`);
    else out.timeouts.set(name, ms);
  }
  for (const [name, v] of entries(policies?.retries, 'spec.policies.retries', p)) {
    const r = parseRetry(name, v, `spec.policies.retries.${name}`, p);
    if (r) out.retries.set(name, r);
  }
  for (const [name, v] of entries(policies?.circuitBreakers, 'spec.policies.circuitBreakers', p)) {
    const b = parseBreaker(name, v, `spec.policies.circuitBreakers.${name}`, p);
    if (b) out.circuitBreakers.set(name, b);
  }
  const targets = mapping(spec.targets, 'spec.targets', p);
  for (const [app, v] of entries(targets?.apps, 'spec.targets.apps', p)) out.apps.set(app, parseTarget(v, `spec.targets.apps.${app}`, p));
  for (const [type, v] of entries(targets?.actors, 'spec.targets.actors', p)) out.actors.set(type, parseTarget(v, `spec.targets.actors.${type}`, p));
  for (const [name, v] of entries(targets?.components, 'spec.targets.components', p)) {
    const field = `spec.targets.components.${name}`;
    const c = mapping(v, field, p) ?? {};
    for (const k of Object.keys(c)) if (k !== 'inbound' && k !== 'outbound') p.add(`${field}.${k}`, 'is not a field (a component target has inbound and outbound)');
    out.components.set(name, {
      inbound: parseTarget(c.inbound, `${field}.inbound`, p),
      outbound: parseTarget(c.outbound, `${field}.outbound`, p),
    });
  }
  if (p.lines.length > 0) throw new ConfigError(p.lines);
  return out;
}

function parseRetry(name: string, v: unknown, field: string, p: Problems): RetrySpec | undefined {
  const m = mapping(v ?? {}, field, p);
  if (!m) return undefined;
  unknownFields(m, RETRY_FIELDS, field, p);
  const r = { ...DEFAULT_RETRY, name } as { -readonly [K in keyof RetrySpec]: RetrySpec[K] };
  if (m.policy !== undefined) {
    const policy = String(m.policy).toLowerCase();
    if (policy === 'constant' || policy === 'exponential') r.policy = policy;
    else p.add(`${field}.policy`, `${JSON.stringify(m.policy)} is not a retry policy (constant or exponential)`);
  }
  const dur = (key: string, set: (ms: number) => void): void => {
    if (m[key] === undefined || m[key] === null || m[key] === '') return;
    const ms = parseResiliencyDuration(m[key]);
    if (ms === undefined) p.add(`${field}.${key}`, `${JSON.stringify(m[key])} is not a duration (e.g. 5s, 500ms, 1m30s)`);
    else set(ms);
  };
  dur('duration', (ms) => (r.durationMs = ms));
  dur('initialInterval', (ms) => (r.initialIntervalMs = ms));
  dur('maxInterval', (ms) => (r.maxIntervalMs = ms));
  dur('maxElapsedTime', (ms) => (r.maxElapsedTimeMs = ms));
  const num = (key: string, set: (n: number) => void, check: (n: number) => boolean, what: string): void => {
    if (m[key] === undefined || m[key] === null || m[key] === '') return;
    const n = Number(m[key]);
    if (typeof m[key] === 'boolean' || !Number.isFinite(n) || !check(n)) p.add(`${field}.${key}`, `${JSON.stringify(m[key])} is not ${what}`);
    else set(n);
  };
  num('maxRetries', (n) => (r.maxRetries = n), (n) => Number.isInteger(n) && n >= -1, 'an integer of -1 (forever) or more');
  num('randomizationFactor', (n) => (r.randomizationFactor = n), (n) => n >= 0 && n <= 1, 'a number between 0 and 1');
  num('multiplier', (n) => (r.multiplier = n), (n) => n >= 1, 'a number of 1 or more');
  if (m.matching !== undefined && m.matching !== null) {
    const match = mapping(m.matching, `${field}.matching`, p);
    if (match) {
      unknownFields(match, new Set(['httpStatusCodes', 'gRPCStatusCodes']), `${field}.matching`, p);
      r.httpStatusCodes = parseCodes(match.httpStatusCodes, VALID_HTTP_CODES, `${field}.matching.httpStatusCodes`, p);
      r.grpcStatusCodes = parseCodes(match.gRPCStatusCodes, VALID_GRPC_CODES, `${field}.matching.gRPCStatusCodes`, p);
    }
  }
  return r;
}

/** `"500,502-504"` → ranges; empty/absent = undefined (every code retries). */
export function parseCodes(v: unknown, valid: CodeRange, field: string, p: Problems): CodeRange[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const text = String(v);
  const ranges: CodeRange[] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const start = m ? Number(m[1]) : NaN;
    const end = m?.[2] !== undefined ? Number(m[2]) : start;
    if (!m) p.add(field, `${JSON.stringify(part)} is not a code or a range like 500-599`);
    else if (start < valid.start || start > valid.end || end < valid.start || end > valid.end) p.add(field, `${JSON.stringify(part)} is outside ${valid.start}-${valid.end}`);
    else if (end < start) p.add(field, `${JSON.stringify(part)}: the range starts after it ends`);
    else ranges.push({ start, end });
  }
  return ranges.length > 0 ? ranges : undefined;
}

function parseBreaker(name: string, v: unknown, field: string, p: Problems): BreakerSpec | undefined {
  const m = mapping(v ?? {}, field, p);
  if (!m) return undefined;
  unknownFields(m, BREAKER_FIELDS, field, p);
  let maxRequests = 1;
  if (m.maxRequests !== undefined && m.maxRequests !== null && m.maxRequests !== '') {
    const n = Number(m.maxRequests);
    if (typeof m.maxRequests === 'boolean' || !Number.isInteger(n) || n < 0) p.add(`${field}.maxRequests`, `${JSON.stringify(m.maxRequests)} is not a whole number`);
    else if (n > 0) maxRequests = n; // gobreaker: 0 means 1
  }
  const dur = (key: string, dflt: number): number => {
    if (m[key] === undefined || m[key] === null || m[key] === '') return dflt;
    const ms = parseResiliencyDuration(m[key]);
    if (ms === undefined) p.add(`${field}.${key}`, `${JSON.stringify(m[key])} is not a duration (e.g. 5s, 500ms, 1m30s)`);
    return ms ?? dflt;
  };
  const intervalMs = dur('interval', 0);
  const timeoutMs = dur('timeout', DEFAULT_BREAKER_TIMEOUT_MS) || DEFAULT_BREAKER_TIMEOUT_MS; // gobreaker: 0 means 60s
  const tripSource = m.trip === undefined || m.trip === null || m.trip === '' ? DEFAULT_TRIP : String(m.trip);
  let trip;
  try {
    trip = compileTrip(tripSource);
  } catch (err) {
    if (!(err instanceof TripSyntaxError)) throw err;
    p.add(`${field}.trip`, `${JSON.stringify(tripSource)} is not a supported trip expression: ${err.message}`);
    return undefined;
  }
  return { name, maxRequests, intervalMs, timeoutMs, tripSource, trip };
}

function parseTarget(v: unknown, field: string, p: Problems): TargetPolicies {
  if (v === undefined || v === null) return {};
  const m = mapping(v, field, p);
  if (!m) return {};
  unknownFields(m, TARGET_FIELDS, field, p);
  const t: TargetPolicies = {};
  for (const key of ['timeout', 'retry', 'circuitBreaker'] as const) {
    const name = m[key];
    if (name !== undefined && name !== null && name !== '') t[key] = String(name);
  }
  const size = m.circuitBreakerCacheSize;
  if (size !== undefined && size !== null && size !== '') {
    const n = Number(size);
    // daprd: 0 means its default; a negative size fails to build the cache.
    if (typeof size === 'boolean' || !Number.isInteger(n) || n < 0) p.add(`${field}.circuitBreakerCacheSize`, `${JSON.stringify(size)} is not a whole number`);
    else if (n > 0) t.circuitBreakerCacheSize = n;
  }
  return t;
}

/** Policy names that exist without being declared (daprd adds them before the documents). */
export const BUILT_IN_RETRY_NAMES: readonly string[] = ['DaprBuiltInServiceRetries', 'DaprBuiltInActorRetries', 'DaprBuiltInActorReminderRetries', 'DaprBuiltInActorNotFoundRetries', 'DaprBuiltInInitializationRetries'];

/**
 * Every target's policy names must exist in one of the loaded documents (daprd merges all of them
 * into one set of policies). Throws ConfigError naming the document and field of each bad reference.
 */
export function checkReferences(specs: readonly ResiliencySpec[]): void {
  const timeouts = new Set(specs.flatMap((s) => [...s.timeouts.keys()]));
  const retries = new Set([...BUILT_IN_RETRY_NAMES, ...specs.flatMap((s) => [...s.retries.keys()])]);
  const breakers = new Set(specs.flatMap((s) => [...s.circuitBreakers.keys()]));
  const lines: string[] = [];
  for (const s of specs) {
    const p = new Problems(`${s.file}: Resiliency ${s.name}`);
    const check = (t: TargetPolicies, field: string): void => {
      if (t.timeout !== undefined && !timeouts.has(t.timeout)) p.add(`${field}.timeout`, `timeout policy ${JSON.stringify(t.timeout)} is not defined in spec.policies.timeouts`);
      if (t.retry !== undefined && !retries.has(t.retry)) p.add(`${field}.retry`, `retry policy ${JSON.stringify(t.retry)} is not defined in spec.policies.retries`);
      if (t.circuitBreaker !== undefined && !breakers.has(t.circuitBreaker)) p.add(`${field}.circuitBreaker`, `circuit breaker policy ${JSON.stringify(t.circuitBreaker)} is not defined in spec.policies.circuitBreakers`);
    };
    for (const [app, t] of s.apps) check(t, `spec.targets.apps.${app}`);
    for (const [type, t] of s.actors) check(t, `spec.targets.actors.${type}`);
    for (const [name, c] of s.components) {
      check(c.inbound, `spec.targets.components.${name}.inbound`);
      check(c.outbound, `spec.targets.components.${name}.outbound`);
    }
    lines.push(...p.lines);
  }
  if (lines.length > 0) throw new ConfigError(lines);
}

function unknownFields(m: Json, known: ReadonlySet<string>, field: string, p: Problems): void {
  for (const k of Object.keys(m)) if (!known.has(k)) p.add(`${field}.${k}`, `is not a field (known: ${[...known].join(', ')})`);
}

function mapping(v: unknown, field: string, p: Problems): Json | undefined {
  if (v === undefined || v === null) return undefined;
  const r = record(v);
  if (!r) p.add(field, 'must be a mapping');
  return r;
}

function entries(v: unknown, field: string, p: Problems): Array<[string, unknown]> {
  const m = mapping(v, field, p);
  return m ? Object.entries(m) : [];
}

function record(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}
