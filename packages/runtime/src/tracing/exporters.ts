/**
 * @module tracing/exporters
 * The destinations a TracingConfig asks for: Zipkin v2 JSON (`zipkin.endpointAddress`), encoded as
 * each span ends and sent by minidapr's own sender (tracing/zipkin-json.ts says why); OTLP over HTTP
 * with protobuf bodies as daprd sends them (`otel`) and stdout, through OpenTelemetry's exporters.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { BatchExporter } from './batch';
import type { TracingConfig } from './config';
import { ZipkinJsonSender } from './zipkin-json';

export type SpanDestination =
  /** Spans encoded to Zipkin JSON when they end; batches of those strings sent as one array. */
  | { readonly encoding: 'zipkin-json'; readonly sender: BatchExporter<string> }
  /** Spans turned into OpenTelemetry ReadableSpans when their batch is exported. */
  | { readonly encoding: 'otel'; readonly exporter: SpanExporter };

export function createExporters(config: TracingConfig): SpanDestination[] {
  const out: SpanDestination[] = [];
  if (config.zipkin) out.push({ encoding: 'zipkin-json', sender: new ZipkinJsonSender(config.zipkin.url) });
  if (config.otel) out.push({ encoding: 'otel', exporter: new OTLPTraceExporter({ url: config.otel.url, headers: config.otel.headers }) });
  if (config.stdout) out.push({ encoding: 'otel', exporter: new ConsoleSpanExporter() });
  return out;
}
