import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';
import { createExporters } from './exporters';

it('builds one exporter per configured destination', async () => {
  const exporters = createExporters({ samplingRate: 1, stdout: true, zipkin: { url: 'http://localhost:9411/api/v2/spans' }, otel: { url: 'http://localhost:4318/v1/traces', headers: {} } }, 'app');
  expect(exporters.map((e) => e.constructor)).toEqual([ZipkinExporter, OTLPTraceExporter, ConsoleSpanExporter]);
  await Promise.all(exporters.map((e) => e.shutdown()));
});

it('builds none when the Configuration names no destination', () => {
  expect(createExporters({ samplingRate: 1, stdout: false }, 'app')).toEqual([]);
});

// OTLP export end to end (the exporter loads its HTTP agent with a dynamic import, which jest's VM
// cannot run): test/integration/tracing/otlp-export.test.ts.
