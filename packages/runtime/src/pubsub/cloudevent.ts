/**
 * @module pubsub/cloudevent
 * The CloudEvent 1.0 envelope daprd wraps every published body in (components-contrib
 * `pubsub/envelope.go` NewCloudEventsEnvelope / FromCloudEvent, dapr `pkg/runtime/pubsub/cloudevents.go`).
 *
 * The request Content-Type picks the `data` form: absent → text/plain string; `application/json`
 * (params allowed) → the JSON itself; octet-stream / protobuf → `data_base64`; anything else → string;
 * `application/cloudevents+json` → the caller's own event, passed through with a few fields filled.
 *
 * The envelope JSON is assembled by hand, keys sorted as Go's map marshalling sorts them, with the
 * caller's raw JSON spliced in: JSON.parse would round big integers (2^53 and up) and the subscriber
 * must see the exact bytes the publisher sent.
 *
 * The `cloudevents` npm SDK is deliberately not used: Dapr's passthrough keeps events without an
 * `id`, overwrites `topic`/`pubsubname` and adds `traceid`/`pubsubname` extensions, none of which that
 * SDK's validation accepts.
 */
import { randomUUID } from 'node:crypto';
import { PUBSUB_FEATURES } from '../components/pubsub/contract';
import { pubsubErrors } from '../errors/pubsub';
import { jsonTooDeep, tooDeepMessage } from '../json/depth';

export const CLOUDEVENT_CONTENT_TYPE = 'application/cloudevents+json';
export const DEFAULT_EVENT_TYPE = 'com.dapr.event.sent';
export const PASSTHROUGH_DEFAULT_SOURCE = 'Dapr';
export const SPEC_VERSION = '1.0';

const BINARY_TYPES = new Set(['application/octet-stream', 'application/cloudevents+protobuf', 'application/x-protobuf']);

export interface EnvelopeRequest {
  appId: string;
  pubsubName: string;
  topic: string;
  /** The request body exactly as received. */
  body: Buffer;
  /** The request Content-Type header, verbatim (undefined when absent). */
  contentType?: string;
  /** The W3C traceparent of the publish call (ensureTraceparent of the request). */
  traceparent: string;
  tracestate?: string;
  /** The request's `metadata.*` map (overrides, rawPayload, ttl). */
  metadata: Record<string, string>;
  /** Features of the target component: with MESSAGE_TTL the broker handles ttl itself. */
  features: readonly string[];
  now?: Date;
  newId?: () => string;
}

export interface Envelope {
  /** What the broker stores and subscribers receive. */
  data: Buffer;
  /** `application/cloudevents+json`, or the request's own type for rawPayload. */
  contentType: string | undefined;
  rawPayload: boolean;
}

/** The media type without parameters, lower-cased: `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi >= 0 ? contentType.slice(0, semi) : contentType).trim().toLowerCase();
}

/** Go's strconv.ParseBool. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** `metadata.rawPayload`: absent or '' → false; not a Go bool → undefined (the caller answers 400). */
export function rawPayloadOf(metadata: Record<string, string>): boolean | undefined {
  const v = metadata.rawPayload;
  if (v === undefined || v === '') return false;
  return parseGoBool(v);
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `ttlInSeconds` as seconds (`60`) or a Go duration (`1m30s`) → milliseconds; undefined when unparseable. */
export function parseTtl(value: string): number | undefined {
  const v = value.trim();
  if (/^-?\d+$/.test(v)) return Number(v) * 1000;
  if (!/^-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(v)) return undefined;
  const sign = v.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
  return sign * total;
}

const pad = (n: number, w = 2): string => String(Math.trunc(Math.abs(n))).padStart(w, '0');

/** Go's time.RFC3339 in the local timezone (`2026-05-01T10:11:12+02:00`, `Z` when the offset is 0). */
export function rfc3339Local(d: Date): string {
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(off / 60)}:${pad(off % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

/** Go's time.RFC3339 in UTC (`2026-05-01T08:11:12Z`). */
export function rfc3339UTC(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Metadata key lookup ignoring case (mapstructure's WeakDecode matches `cloudevent.*` that way). */
function metaGet(metadata: Record<string, string>, key: string): string | undefined {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(metadata)) if (k.toLowerCase() === lower && v !== '') return v;
  return undefined;
}

/** Serialises fields (values already JSON text) as one object with keys sorted like Go's maps. */
function assemble(fields: Map<string, string>): Buffer {
  const keys = [...fields.keys()].sort();
  return Buffer.from(`{${keys.map((k) => `${JSON.stringify(k)}:${fields.get(k) as string}`).join(',')}}`);
}

/** Builds the envelope for one publish; throws coded pub/sub errors (400 metadata, 500 passthrough). */
export function buildEnvelope(r: EnvelopeRequest): Envelope {
  const errors = pubsubErrors(r.pubsubName, r.metadata);
  const raw = rawPayloadOf(r.metadata);
  if (raw === undefined) throw errors.requestMetadata(`rawPayload value must be a valid boolean: actual is '${r.metadata.rawPayload}'`);
  if (raw) return { data: r.body, contentType: r.contentType, rawPayload: true };

  const now = r.now ?? new Date();
  const ttlText = metaGet(r.metadata, 'ttlInSeconds') ?? metaGet(r.metadata, 'ttl');
  let expiration: string | undefined;
  if (ttlText !== undefined) {
    const ms = parseTtl(ttlText);
    if (ms === undefined || ms < 0) throw errors.requestMetadata(`ttlInSeconds value must be a non-negative number of seconds or a duration: actual is '${ttlText}'`);
    if (ms > 0 && !r.features.includes(PUBSUB_FEATURES.MESSAGE_TTL)) expiration = rfc3339UTC(new Date(now.getTime() + ms));
  }

  const fields = mediaType(r.contentType) === CLOUDEVENT_CONTENT_TYPE ? passthrough(r, now) : generated(r, now);
  if (expiration !== undefined) fields.set('expiration', JSON.stringify(expiration));
  return { data: assemble(fields), contentType: CLOUDEVENT_CONTENT_TYPE, rawPayload: false };
}

function generated(r: EnvelopeRequest, now: Date): Map<string, string> {
  const m = r.metadata;
  const traceparent = metaGet(m, 'cloudevent.traceparent') ?? metaGet(m, 'cloudevent.traceid') ?? r.traceparent;
  const fields = new Map<string, string>([
    ['id', JSON.stringify(metaGet(m, 'cloudevent.id') ?? (r.newId ?? randomUUID)())],
    ['source', JSON.stringify(metaGet(m, 'cloudevent.source') ?? r.appId)],
    ['type', JSON.stringify(metaGet(m, 'cloudevent.type') ?? DEFAULT_EVENT_TYPE)],
    ['specversion', JSON.stringify(SPEC_VERSION)],
    ['datacontenttype', JSON.stringify(r.contentType ?? 'text/plain')],
    ['topic', JSON.stringify(r.topic)],
    ['pubsubname', JSON.stringify(r.pubsubName)],
    ['time', JSON.stringify(rfc3339Local(now))],
    ['traceid', JSON.stringify(traceparent)],
    ['traceparent', JSON.stringify(traceparent)],
    ['tracestate', JSON.stringify(metaGet(m, 'cloudevent.tracestate') ?? r.tracestate ?? '')],
  ]);
  const subject = metaGet(m, 'cloudevent.subject');
  if (subject !== undefined) fields.set('subject', JSON.stringify(subject));
  const type = mediaType(r.contentType);
  if (type === 'application/json') {
    const text = r.body.toString('utf8');
    if (jsonTooDeep(text)) throw pubsubErrors(r.pubsubName, r.metadata).cloudEventTooDeep(`the data is ${tooDeepMessage()}`);
    fields.set('data', isJSON(text) ? text.trim() : JSON.stringify(text));
  } else if (BINARY_TYPES.has(type)) {
    fields.set('data_base64', JSON.stringify(r.body.toString('base64')));
  } else {
    fields.set('data', JSON.stringify(r.body.toString('utf8')));
  }
  return fields;
}

function passthrough(r: EnvelopeRequest, now: Date): Map<string, string> {
  const errors = pubsubErrors(r.pubsubName, r.metadata);
  const text = r.body.toString('utf8');
  if (jsonTooDeep(text)) throw errors.cloudEventTooDeep(`the body is ${tooDeepMessage()}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw errors.cloudEvent(`the body is not valid JSON: ${(err as Error).message}`, err);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.cloudEvent('the body is not a JSON object');
  const fields = topLevelMembers(text);
  fields.set('topic', JSON.stringify(r.topic));
  fields.set('pubsubname', JSON.stringify(r.pubsubName));
  if (!fields.has('time')) fields.set('time', JSON.stringify(rfc3339Local(now)));
  if (!fields.has('traceid')) {
    fields.set('traceid', JSON.stringify(r.traceparent));
    fields.set('traceparent', JSON.stringify(r.traceparent));
  }
  if (!fields.has('tracestate')) fields.set('tracestate', JSON.stringify(r.tracestate ?? ''));
  if (!fields.has('source')) fields.set('source', JSON.stringify(PASSTHROUGH_DEFAULT_SOURCE));
  if (!fields.has('type')) fields.set('type', JSON.stringify(DEFAULT_EVENT_TYPE));
  if (!fields.has('specversion')) fields.set('specversion', JSON.stringify(SPEC_VERSION));
  return fields;
}

function isJSON(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function skipWs(text: string, i: number): number {
  while (i < text.length && isWs(text[i])) i++;
  return i;
}

/** Index just past the JSON value starting at `i` (the text is already known to be valid JSON). */
function skipValue(text: string, i: number): number {
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return i + 1;
      }
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === ',' || isWs(c))) return i;
  }
  return i;
}

/**
 * Splits a JSON object text (already validated by JSON.parse) into its members, each value kept
 * as its exact source text. A duplicated key keeps its last value, as JSON.parse does.
 */
export function topLevelMembers(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = skipWs(text, 0) + 1;
  for (;;) {
    i = skipWs(text, i);
    if (i >= text.length || text[i] === '}') return out;
    const keyEnd = skipValue(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, skipWs(text, keyEnd) + 1); // past ':'
    const valueEnd = skipValue(text, i);
    out.set(key, text.slice(i, valueEnd));
    i = skipWs(text, valueEnd);
    if (text[i] === ',') i++;
  }
}

/** The exact source text of each element of a JSON array text (already validated by JSON.parse). */
export function arrayElements(text: string): string[] {
  const out: string[] = [];
  let i = skipWs(text, 0) + 1;
  for (;;) {
    i = skipWs(text, i);
    if (i >= text.length || text[i] === ']') return out;
    const end = skipValue(text, i);
    out.push(text.slice(i, end));
    i = skipWs(text, end);
    if (text[i] === ',') i++;
  }
}

/** Parses stored envelope bytes for delivery: the CloudEvent object, or undefined when not a JSON object. */
export function parseCloudEvent(data: Buffer | string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when the event carries an `expiration` (RFC 3339) that lies in the past; subscribers drop those. */
export function isExpired(event: Record<string, unknown>, now: Date = new Date()): boolean {
  const exp = event.expiration;
  if (typeof exp !== 'string' || exp === '') return false;
  const at = Date.parse(exp);
  return Number.isFinite(at) && at < now.getTime();
}
