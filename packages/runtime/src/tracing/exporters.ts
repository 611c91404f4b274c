/**
 * @module tracing/exporters
 * The exporters a TracingConfig asks for: Zipkin v2 JSON (`zipkin.endpointAddress`), OTLP over
 * HTTP with protobuf bodies as daprd sends them (`otel`), and stdout.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './config';

export function createExporters(config: TracingConfig, appId: string): SpanExporter[] {
  const out: SpanExporter[] = [];
  if (config.zipkin) out.push(new ZipkinExporter({ url: config.zipkin.url, serviceName: appId }));
  if (config.otel) out.push(new OTLPTraceExporter({ url: config.otel.url, headers: config.otel.headers }));
  if (config.stdout) out.push(new ConsoleSpanExporter());
  return out;
}
