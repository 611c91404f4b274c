/**
 * @module collector/otlp-proto
 * OTLP/HTTP protobuf bodies: ExportTraceServiceRequest decoded with protobufjs from the schema
 * below (the trace, common and resource messages of opentelemetry-proto, fields that matter here),
 * turned into the OTLP JSON shape (hex ids, camelCase, enum ints) so one converter serves both.
 * https://github.com/open-telemetry/opentelemetry-proto/tree/main/opentelemetry/proto
 */
import protobuf from 'protobufjs';
import { SpanValidationError } from './normalize';

const OTLP_PROTO = `
syntax = "proto3";
package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue {
  string key = 1;
  AnyValue value = 2;
}
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTracePartialSuccess {
  int64 rejected_spans = 1;
  string error_message = 2;
}
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }

message ResourceSpans {
  Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
// google.rpc.Status without details: the body of an OTLP error response.
message RpcStatus {
  int32 code = 1;
  string message = 2;
}
message Status {
  reserved 1;
  string message = 2;
  int32 code = 3;
}
`;

const root = protobuf.parse(OTLP_PROTO).root;
const Request = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
const Response = root.lookupType('opentelemetry.proto.ExportTraceServiceResponse');

const RpcStatus = root.lookupType('opentelemetry.proto.RpcStatus');

/** The protobufjs root of the OTLP schema (tests encode bodies with it). */
export const otlpProtoRoot = root;

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** Byte fields: ids become hex (OTLP JSON's rule), AnyValue bytes become base64. */
function toJsonShape(value: unknown, key = ''): unknown {
  if (value instanceof Uint8Array) return ID_FIELDS.has(key) ? Buffer.from(value).toString('hex') : Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((v) => toJsonShape(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonShape(v, k);
    return out;
  }
  return value;
}

/** Decodes an ExportTraceServiceRequest into its OTLP JSON form, or throws SpanValidationError. */
export function decodeOtlpTraceRequest(body: Uint8Array): unknown {
  try {
    const message = Request.decode(body);
    return toJsonShape(Request.toObject(message, { longs: String, defaults: false, oneofs: false }));
  } catch (err) {
    throw new SpanValidationError(`malformed OTLP ExportTraceServiceRequest: ${(err as Error).message}`);
  }
}

/** An empty ExportTraceServiceResponse, protobuf-encoded. */
export function encodeOtlpTraceResponse(): Uint8Array {
  return Response.encode(Response.create({})).finish();
}

/** A google.rpc.Status error body, protobuf-encoded (OTLP/HTTP failure responses). */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  return RpcStatus.encode(RpcStatus.create({ code, message })).finish();
}
