/**
 * @module collector/otlp-convert
 * OTLP traces (JSON shape: hex ids, camelCase, enum ints) → Zipkin v2 spans, following
 * OpenTelemetry's Zipkin exporter mapping: resource `service.name` → localEndpoint.serviceName,
 * span kind, status → `otel.status_code` (+ `error` tag on ERROR), attributes and resource
 * attributes → tags, events → annotations, nanoseconds → microseconds, peer attributes →
 * remoteEndpoint on CLIENT/PRODUCER spans, scope → `otel.scope.name`/`otel.scope.version`.
 * https://opentelemetry.io/docs/specs/otel/trace/sdk_exporters/zipkin/
 */
import { SpanValidationError } from './normalize';
import type { ZipkinEndpoint, ZipkinKind } from './types';

type Json = Record<string, unknown>;

const KIND_BY_NUMBER: Record<number, ZipkinKind | undefined> = { 2: 'SERVER', 3: 'CLIENT', 4: 'PRODUCER', 5: 'CONSUMER' };
const KIND_BY_NAME: Record<string, number> = {
  SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5,
};
const STATUS_BY_NAME: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
/** Attributes that name the remote peer, best first (OTel's Zipkin mapping, old and new conventions). */
const REMOTE_SERVICE_KEYS = ['peer.service', 'server.address', 'net.peer.name', 'network.peer.address', 'net.peer.ip', 'peer.hostname', 'db.name'];
const REMOTE_IP_KEYS = ['network.peer.address', 'net.peer.ip', 'server.address', 'net.peer.name'];
const REMOTE_PORT_KEYS = ['network.peer.port', 'server.port', 'net.peer.port'];

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

/** An OTLP AnyValue as a Zipkin tag string: scalars as text, arrays and maps as JSON. */
export function anyValueToString(v: unknown): string {
  const plain = anyValueToPlain(v);
  return typeof plain === 'string' ? plain : JSON.stringify(plain);
}

function anyValueToPlain(v: unknown): unknown {
  if (!v || typeof v !== 'object') return '';
  const a = v as Json;
  if (a.stringValue !== undefined) return String(a.stringValue);
  if (a.boolValue !== undefined) return String(a.boolValue);
  if (a.intValue !== undefined) return String(a.intValue);
  if (a.doubleValue !== undefined) return String(a.doubleValue);
  if (a.bytesValue !== undefined) return String(a.bytesValue);
  if (a.arrayValue !== undefined) return arr((a.arrayValue as Json).values).map(anyValueToPlain);
  if (a.kvlistValue !== undefined) return Object.fromEntries(arr((a.kvlistValue as Json).values).map((kv) => [String(kv.key), anyValueToPlain(kv.value)]));
  return '';
}

function attributes(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of arr(list)) if (typeof kv.key === 'string') out[kv.key] = anyValueToString(kv.value);
  return out;
}

/** Nanoseconds (string or number) → microseconds, rounded; undefined when absent or zero. */
function nanosToMicros(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '' || v === 0 || v === '0') return undefined;
  try {
    return Number((BigInt(String(v)) + 500n) / 1000n);
  } catch {
    throw new SpanValidationError(`invalid nanosecond timestamp: ${String(v)}`);
  }
}

function enumValue(v: unknown, byName: Record<string, number>): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return byName[v] ?? (Number(v) || 0);
  return 0;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function remoteEndpoint(tags: Record<string, string>): ZipkinEndpoint | undefined {
  const ep: ZipkinEndpoint = {};
  const serviceKey = REMOTE_SERVICE_KEYS.find((k) => tags[k]);
  if (serviceKey) ep.serviceName = tags[serviceKey];
  const ipKey = REMOTE_IP_KEYS.find((k) => tags[k] && (IPV4.test(tags[k]!) || tags[k]!.includes(':')));
  if (ipKey) {
    if (IPV4.test(tags[ipKey]!)) ep.ipv4 = tags[ipKey];
    else ep.ipv6 = tags[ipKey];
  }
  const portKey = REMOTE_PORT_KEYS.find((k) => tags[k]);
  if (portKey && Number(tags[portKey]) > 0) ep.port = Number(tags[portKey]);
  return Object.keys(ep).length > 0 ? ep : undefined;
}

function convertSpan(s: Json, serviceName: string, resourceTags: Record<string, string>, scope: Json | undefined): Json {
  const spanTags = attributes(s.attributes);
  const tags: Record<string, string> = { ...resourceTags, ...spanTags };
  if (scope && typeof scope.name === 'string' && scope.name !== '') {
    tags['otel.scope.name'] = scope.name;
    if (typeof scope.version === 'string' && scope.version !== '') tags['otel.scope.version'] = scope.version;
  }
  const status = (s.status ?? {}) as Json;
  const code = enumValue(status.code, STATUS_BY_NAME);
  if (code === 2) {
    tags['otel.status_code'] = 'ERROR';
    tags.error = typeof status.message === 'string' ? status.message : '';
  } else if (code === 1) {
    tags['otel.status_code'] = 'OK';
  }
  const kind = KIND_BY_NUMBER[enumValue(s.kind, KIND_BY_NAME)];
  const start = nanosToMicros(s.startTimeUnixNano);
  const end = nanosToMicros(s.endTimeUnixNano);
  const annotations = arr(s.events).map((e) => {
    const attrs = attributes(e.attributes);
    const name = typeof e.name === 'string' ? e.name : '';
    return {
      timestamp: nanosToMicros(e.timeUnixNano) ?? start ?? 0,
      value: Object.keys(attrs).length === 0 ? name : JSON.stringify({ [name]: attrs }),
    };
  });
  return {
    traceId: s.traceId,
    id: s.spanId,
    parentId: s.parentSpanId || undefined,
    name: s.name,
    kind,
    timestamp: start,
    duration: start !== undefined && end !== undefined ? Math.max(end - start, 1) : undefined,
    localEndpoint: { serviceName },
    remoteEndpoint: kind === 'CLIENT' || kind === 'PRODUCER' ? remoteEndpoint(spanTags) : undefined,
    annotations: annotations.length > 0 ? annotations : undefined,
    tags: Object.keys(tags).length > 0 ? tags : undefined,
  };
}

/**
 * Converts an ExportTraceServiceRequest (OTLP JSON shape) into Zipkin v2 JSON-shaped spans, not yet
 * normalised (the store validates them). Throws SpanValidationError when the shape is wrong.
 */
export function otlpToZipkin(request: unknown): Json[] {
  if (!request || typeof request !== 'object' || Array.isArray(request)) throw new SpanValidationError('expected an ExportTraceServiceRequest object');
  const out: Json[] = [];
  for (const rs of arr((request as Json).resourceSpans)) {
    const resourceTags = attributes((rs.resource as Json | undefined)?.attributes);
    const serviceName = resourceTags['service.name'] || 'unknown_service';
    delete resourceTags['service.name'];
    // instrumentationLibrarySpans: the pre-1.0 name some old exporters still send.
    for (const ss of [...arr(rs.scopeSpans), ...arr(rs.instrumentationLibrarySpans)]) {
      const scope = (ss.scope ?? ss.instrumentationLibrary) as Json | undefined;
      for (const s of arr(ss.spans)) out.push(convertSpan(s, serviceName, resourceTags, scope));
    }
  }
  return out;
}
