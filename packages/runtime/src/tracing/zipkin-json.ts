/**
 * @module tracing/zipkin-json
 * Zipkin v2 JSON export without OpenTelemetry's span objects: a sampled span is encoded the moment
 * it ends, into one flat JSON string, and the record itself is garbage at once. The batch then holds
 * one string per span until it is sent (instead of a record, its attributes, its parent context and,
 * at export, a ReadableSpan and a Zipkin object per span), which is what keeps sampling 1.0 within
 * its overhead budget: measured in BENCHMARKS.md (issue 14), the retained span graphs surviving the
 * sidecar's small young generation cost more than the encoding.
 *
 * The JSON is what OpenTelemetry's ZipkinExporter sends for the same span (field order, kinds,
 * `otel.status_code`/`error` tags, resource attributes as tags, times in microseconds); the unit
 * test holds the two side by side. Batches go out over one keep-alive connection.
 */
import { SpanKind, SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import http from 'node:http';
import https from 'node:https';
import type { BatchExporter } from './batch';
import type { SpanRecord } from './span-record';

const KIND: Partial<Record<SpanKind, string>> = {
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/** Characters a JSON string must escape (and lone surrogates, which JSON.stringify escapes). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal: quoted as is when nothing needs escaping (the common case), else by JSON.stringify. */
function q(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * One span as Zipkin v2 JSON (an element of the array POSTed to /api/v2/spans), written out field by
 * field from the span's attribute lists: JSON.stringify of a tags object with dotted keys takes
 * V8's slow dictionary path and was the largest tracing frame in the sidecar's profile.
 */
export function encodeZipkinSpan(span: SpanRecord, serviceName: string, resourceTags: Readonly<Record<string, string>>): string {
  const keys = span.attributeKeys;
  const values = span.attributeValues;
  const status = span.status;
  const error = status.code === SpanStatusCode.ERROR;
  let tags = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    // A span attribute named like a tag the exporter adds itself: keep OpenTelemetry's key order.
    if (key === 'otel.status_code' || key === 'error' || key in resourceTags) return encodeViaObject(span, serviceName, resourceTags);
    tags += `,${q(key)}:${q(String(values[i]))}`;
  }
  if (status.code !== SpanStatusCode.UNSET) tags += error ? ',"otel.status_code":"ERROR"' : ',"otel.status_code":"OK"';
  if (error && status.message) tags += `,"error":${q(status.message)}`;
  for (const key in resourceTags) tags += `,${q(key)}:${q(resourceTags[key] as string)}`;
  const parent = span.parent ? `,"parentId":"${span.parent.spanId}"` : '';
  const kind = KIND[span.kind];
  return (
    `{"traceId":"${span.traceId}"${parent},"name":${q(span.name)},"id":"${span.spanId}"${kind ? `,"kind":"${kind}"` : ''}` +
    `,"timestamp":${span.startMicros},"duration":${span.durationMicros},"localEndpoint":{"serviceName":${q(serviceName)}},"tags":{${tags.slice(1)}}}`
  );
}

/** The same JSON through a tags object, for spans whose attributes collide with the added tags. */
function encodeViaObject(span: SpanRecord, serviceName: string, resourceTags: Readonly<Record<string, string>>): string {
  const tags: Record<string, string> = {};
  const attributes = span.attributes;
  for (const key in attributes) tags[key] = String(attributes[key] as AttributeValue);
  const status = span.status;
  if (status.code !== SpanStatusCode.UNSET) tags['otel.status_code'] = status.code === SpanStatusCode.ERROR ? 'ERROR' : 'OK';
  if (status.code === SpanStatusCode.ERROR && status.message) tags.error = status.message;
  for (const key in resourceTags) tags[key] = resourceTags[key] as string;
  return JSON.stringify({
    traceId: span.traceId,
    parentId: span.parent?.spanId,
    name: span.name,
    id: span.spanId,
    kind: KIND[span.kind],
    timestamp: span.startMicros,
    duration: span.durationMicros,
    localEndpoint: { serviceName: attributes['service.name'] ? String(attributes['service.name']) : serviceName },
    tags,
  });
}

/** POSTs batches of encoded spans (`[a,b,…]`) to a Zipkin v2 endpoint; 2xx/3xx is success. */
export class ZipkinJsonSender implements BatchExporter<string> {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(url: string) {
    this.url = new URL(url);
    const secure = this.url.protocol === 'https:';
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 1 }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.request = secure ? https.request : http.request;
  }

  export(spans: string[], done: (result: ExportResult) => void): void {
    if (spans.length === 0) {
      done({ code: ExportResultCode.SUCCESS });
      return;
    }
    const body = `[${spans.join(',')}]`;
    const req = this.request(this.url, { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        done(code < 400 ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: new Error(`Got unexpected status code from zipkin: ${code}`) });
      });
      res.on('error', (error) => done({ code: ExportResultCode.FAILED, error }));
    });
    req.on('error', (error) => done({ code: ExportResultCode.FAILED, error }));
    req.end(body);
  }

  async shutdown(): Promise<void> {
    this.agent.destroy();
  }
}
