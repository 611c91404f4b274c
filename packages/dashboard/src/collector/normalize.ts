/**
 * @module collector/normalize
 * Validation and normalisation of incoming spans, the way Zipkin's span builder does it: ids are
 * lower-case hex (span ids padded to 16 chars, trace ids to 16 or 32), a 128-bit trace id whose high
 * half is zero becomes its 64-bit form (so `0000000000000000abc…` and `abc…` are one trace), names and
 * service names are lower-cased, zero or empty values are dropped.
 * https://github.com/openzipkin/zipkin/blob/master/zipkin/src/main/java/zipkin2/Span.java
 */
import type { ZipkinAnnotation, ZipkinEndpoint, ZipkinKind, ZipkinSpan } from './types';

/** A span (or a request body) that cannot be stored; the HTTP layer answers 400 with its message. */
export class SpanValidationError extends Error {
  override readonly name = 'SpanValidationError';
}

const HEX = /^[0-9a-f]+$/;
const KINDS: readonly ZipkinKind[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];

function hexOf(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new SpanValidationError(`${field} is required and must be a hex string`);
  const lower = value.toLowerCase();
  if (!HEX.test(lower)) throw new SpanValidationError(`${field} should be lower-hex encoded with no prefix: ${value}`);
  return lower;
}

/** Normalises a trace id or throws: ≤ 32 hex chars, padded to 16 or 32, zero high half dropped. */
export function normalizeTraceId(value: unknown): string {
  const hex = hexOf(value, 'traceId');
  if (hex.length > 32) throw new SpanValidationError(`traceId.length > 32: ${hex}`);
  if (/^0+$/.test(hex)) throw new SpanValidationError('traceId is all zeros');
  const padded = hex.length <= 16 ? hex.padStart(16, '0') : hex.padStart(32, '0');
  return padded.length === 32 && padded.startsWith('0000000000000000') ? padded.slice(16) : padded;
}

/** Normalises a span id or throws: ≤ 16 hex chars, padded to 16, not all zeros. */
export function normalizeSpanId(value: unknown, field = 'id'): string {
  const hex = hexOf(value, field);
  if (hex.length > 16) throw new SpanValidationError(`${field}.length > 16: ${hex}`);
  if (/^0+$/.test(hex)) throw new SpanValidationError(`${field} is all zeros`);
  return hex.padStart(16, '0');
}

/** The low 64 bits of a normalised trace id: how traces are grouped (Zipkin's strictTraceId=false). */
export function traceKey(normalizedTraceId: string): string {
  return normalizedTraceId.slice(-16);
}

function micros(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new SpanValidationError(`${field} must be a non-negative number of microseconds`);
  const rounded = Math.round(n);
  return rounded === 0 ? undefined : rounded;
}

function lowerName(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SpanValidationError(`${field} must be a string`);
  const trimmed = value.trim().toLowerCase();
  return trimmed === '' ? undefined : trimmed;
}

function endpoint(value: unknown, field: string): ZipkinEndpoint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new SpanValidationError(`${field} must be an object`);
  const v = value as Record<string, unknown>;
  const out: ZipkinEndpoint = {};
  const serviceName = lowerName(v.serviceName, `${field}.serviceName`);
  if (serviceName) out.serviceName = serviceName;
  if (typeof v.ipv4 === 'string' && v.ipv4 !== '') out.ipv4 = v.ipv4;
  if (typeof v.ipv6 === 'string' && v.ipv6 !== '') out.ipv6 = v.ipv6.toLowerCase();
  if (typeof v.port === 'number' && Number.isInteger(v.port) && v.port > 0 && v.port <= 65535) out.port = v.port;
  return Object.keys(out).length > 0 ? out : undefined;
}

function annotations(value: unknown): ZipkinAnnotation[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new SpanValidationError('annotations must be an array');
  const out = value.map((a: unknown, i) => {
    const rec = (a ?? {}) as Record<string, unknown>;
    const timestamp = micros(rec.timestamp, `annotations[${i}].timestamp`);
    if (timestamp === undefined) throw new SpanValidationError(`annotations[${i}].timestamp is required`);
    if (typeof rec.value !== 'string' || rec.value === '') throw new SpanValidationError(`annotations[${i}].value is required`);
    return { timestamp, value: rec.value };
  });
  out.sort((a, b) => a.timestamp - b.timestamp);
  return out.length > 0 ? out : undefined;
}

function tags(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new SpanValidationError('tags must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    // Zipkin's JSON reader only accepts string values; numbers and booleans are stringified here
    // because some clients send them and nothing is lost.
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw new SpanValidationError(`tags.${k} must be a string`);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Validates one span (any JSON value) and returns its normalised copy, or throws SpanValidationError. */
export function normalizeSpan(input: unknown): ZipkinSpan {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new SpanValidationError('a span must be a JSON object');
  const s = input as Record<string, unknown>;
  const span: ZipkinSpan = { traceId: normalizeTraceId(s.traceId), id: normalizeSpanId(s.id) };
  if (s.parentId !== undefined && s.parentId !== null && s.parentId !== '' && !/^0+$/.test(String(s.parentId))) {
    span.parentId = normalizeSpanId(s.parentId, 'parentId');
  }
  const name = lowerName(s.name, 'name');
  if (name) span.name = name;
  if (s.kind !== undefined && s.kind !== null) {
    const kind = String(s.kind).toUpperCase() as ZipkinKind;
    if (!KINDS.includes(kind)) throw new SpanValidationError(`kind must be one of ${KINDS.join(', ')}: ${String(s.kind)}`);
    span.kind = kind;
  }
  const timestamp = micros(s.timestamp, 'timestamp');
  if (timestamp !== undefined) span.timestamp = timestamp;
  // Zipkin rounds durations under one microsecond up, rather than losing them.
  const rawDuration = typeof s.duration === 'number' && s.duration > 0 && s.duration < 1 ? 1 : s.duration;
  const duration = micros(rawDuration, 'duration');
  if (duration !== undefined) span.duration = duration;
  const local = endpoint(s.localEndpoint, 'localEndpoint');
  if (local) span.localEndpoint = local;
  const remote = endpoint(s.remoteEndpoint, 'remoteEndpoint');
  if (remote) span.remoteEndpoint = remote;
  const anns = annotations(s.annotations);
  if (anns) span.annotations = anns;
  const t = tags(s.tags);
  if (t) span.tags = t;
  if (s.debug === true) span.debug = true;
  if (s.shared === true) span.shared = true;
  return span;
}

/** Validates a list of spans; the message names the index of the first bad span. */
export function normalizeSpans(input: unknown): ZipkinSpan[] {
  if (!Array.isArray(input)) throw new SpanValidationError('expected a JSON array of Zipkin v2 spans');
  return input.map((s, i) => {
    try {
      return normalizeSpan(s);
    } catch (err) {
      if (err instanceof SpanValidationError) throw new SpanValidationError(`span ${i}: ${err.message}`);
      throw err;
    }
  });
}
