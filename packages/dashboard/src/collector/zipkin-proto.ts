/**
 * @module collector/zipkin-proto
 * Zipkin's proto3 wire format (`application/x-protobuf` bodies of POST /api/v2/spans), decoded with
 * protobufjs from the schema below, written after Zipkin's published zipkin.proto field numbers.
 * https://github.com/openzipkin/zipkin-api/blob/master/zipkin.proto
 */
import protobuf from 'protobufjs';
import { SpanValidationError } from './normalize';
import type { ZipkinEndpoint, ZipkinSpan } from './types';

const ZIPKIN_PROTO = `
syntax = "proto3";
package zipkin.proto3;

message Endpoint {
  string service_name = 1;
  bytes ipv4 = 2;
  bytes ipv6 = 3;
  int32 port = 4;
}

message Annotation {
  fixed64 timestamp = 1;
  string value = 2;
}

message Span {
  enum Kind {
    SPAN_KIND_UNSPECIFIED = 0;
    CLIENT = 1;
    SERVER = 2;
    PRODUCER = 3;
    CONSUMER = 4;
  }
  bytes trace_id = 1;
  bytes parent_id = 2;
  bytes id = 3;
  Kind kind = 4;
  string name = 5;
  fixed64 timestamp = 6;
  uint64 duration = 7;
  Endpoint local_endpoint = 8;
  Endpoint remote_endpoint = 9;
  repeated Annotation annotations = 10;
  map<string, string> tags = 11;
  bool debug = 12;
  bool shared = 13;
}

message ListOfSpans {
  repeated Span spans = 1;
}
`;

const root = protobuf.parse(ZIPKIN_PROTO).root;
const ListOfSpans = root.lookupType('zipkin.proto3.ListOfSpans');

/** The protobufjs root of Zipkin's schema (tests encode bodies with it). */
export const zipkinProtoRoot = root;

const KIND_NAMES = ['', 'CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];

function hex(bytes: Uint8Array | undefined): string | undefined {
  return bytes && bytes.length > 0 ? Buffer.from(bytes).toString('hex') : undefined;
}

function ip(bytes: Uint8Array | undefined, v6: boolean): string | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  if (!v6) return [...bytes].join('.');
  const words: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Text form as Zipkin writes it: the longest run of two or more zero words becomes '::'.
  let best = { at: -1, len: 1 };
  for (let i = 0; i < words.length; i++) {
    let j = i;
    while (j < words.length && words[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
  }
  if (best.at === -1) return words.join(':');
  return `${words.slice(0, best.at).join(':')}::${words.slice(best.at + best.len).join(':')}`;
}

interface PbEndpoint { serviceName?: string; ipv4?: Uint8Array; ipv6?: Uint8Array; port?: number }
interface PbSpan {
  traceId?: Uint8Array; parentId?: Uint8Array; id?: Uint8Array; kind?: number; name?: string;
  timestamp?: string; duration?: string; localEndpoint?: PbEndpoint; remoteEndpoint?: PbEndpoint;
  annotations?: { timestamp?: string; value?: string }[]; tags?: Record<string, string>; debug?: boolean; shared?: boolean;
}

function endpoint(e: PbEndpoint | undefined): Record<string, unknown> | undefined {
  if (!e) return undefined;
  return { serviceName: e.serviceName || undefined, ipv4: ip(e.ipv4, false), ipv6: ip(e.ipv6, true), port: e.port || undefined };
}

/**
 * Decodes a ListOfSpans body into Zipkin v2 JSON-shaped spans (not yet normalised: the store
 * validates them like JSON input). Throws SpanValidationError on a malformed body.
 */
export function decodeZipkinProto(body: Uint8Array): unknown[] {
  let message: protobuf.Message;
  try {
    message = ListOfSpans.decode(body);
  } catch (err) {
    throw new SpanValidationError(`malformed Zipkin protobuf ListOfSpans: ${(err as Error).message}`);
  }
  const list = ListOfSpans.toObject(message, { longs: String, enums: Number, defaults: false }) as { spans?: PbSpan[] };
  return (list.spans ?? []).map((s) => ({
    traceId: hex(s.traceId),
    parentId: hex(s.parentId),
    id: hex(s.id),
    kind: s.kind ? KIND_NAMES[s.kind] : undefined,
    name: s.name || undefined,
    timestamp: s.timestamp ? Number(s.timestamp) : undefined,
    duration: s.duration ? Number(s.duration) : undefined,
    localEndpoint: endpoint(s.localEndpoint),
    remoteEndpoint: endpoint(s.remoteEndpoint),
    annotations: s.annotations?.map((a) => ({ timestamp: Number(a.timestamp ?? 0), value: a.value ?? '' })),
    tags: s.tags,
    debug: s.debug || undefined,
    shared: s.shared || undefined,
  }));
}

function ipBytes(v4: string | undefined, v6: string | undefined): { ipv4?: Buffer; ipv6?: Buffer } {
  const out: { ipv4?: Buffer; ipv6?: Buffer } = {};
  if (v4) out.ipv4 = Buffer.from(v4.split('.').map(Number));
  if (v6) {
    const [head = '', tail = ''] = v6.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const words = v6.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
    out.ipv6 = Buffer.from(words.flatMap((w) => [parseInt(w, 16) >> 8, parseInt(w, 16) & 0xff]));
  }
  return out;
}

function hexBytes(id: string): Buffer {
  return Buffer.from(id.length % 2 === 1 ? `0${id}` : id, 'hex');
}

/** Encodes Zipkin v2 spans as a proto3 ListOfSpans body (what Zipkin's proto3 reporters send). */
export function encodeZipkinProto(spans: ZipkinSpan[]): Uint8Array {
  const kinds: Record<string, number> = { CLIENT: 1, SERVER: 2, PRODUCER: 3, CONSUMER: 4 };
  const endpointOf = (e: ZipkinEndpoint | undefined): object | undefined =>
    e && { serviceName: e.serviceName, port: e.port, ...ipBytes(e.ipv4, e.ipv6) };
  const message = ListOfSpans.fromObject({
    spans: spans.map((s) => ({
      traceId: hexBytes(s.traceId),
      parentId: s.parentId ? hexBytes(s.parentId) : undefined,
      id: hexBytes(s.id),
      kind: s.kind ? kinds[s.kind] : 0,
      name: s.name,
      timestamp: s.timestamp,
      duration: s.duration,
      localEndpoint: endpointOf(s.localEndpoint),
      remoteEndpoint: endpointOf(s.remoteEndpoint),
      annotations: s.annotations,
      tags: s.tags,
      debug: s.debug,
      shared: s.shared,
    })),
  });
  return ListOfSpans.encode(message).finish();
}
