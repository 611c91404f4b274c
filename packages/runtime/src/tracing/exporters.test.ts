import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';
import { createExporters } from './exporters';
import { ZipkinJsonSender } from './zipkin-json';

it('builds one destination per configured exporter', async () => {
  const out = createExporters({ samplingRate: 1, stdout: true, zipkin: { url: 'http://localhost:9411/api/v2/spans' }, otel: { url: 'http://localhost:4318/v1/traces', headers: {} } });
  expect(out.map((d) => d.encoding)).toEqual(['zipkin-json', 'otel', 'otel']);
  const [zipkin, otlp, stdout] = out;
  expect(zipkin?.encoding === 'zipkin-json' && zipkin.sender).toBeInstanceOf(ZipkinJsonSender);
  expect(otlp?.encoding === 'otel' && otlp.exporter).toBeInstanceOf(OTLPTraceExporter);
  expect(stdout?.encoding === 'otel' && stdout.exporter).toBeInstanceOf(ConsoleSpanExporter);
  await Promise.all(out.map((d) => (d.encoding === 'otel' ? d.exporter.shutdown() : d.sender.shutdown())));
});

it('builds none when the Configuration names no destination', () => {
  expect(createExporters({ samplingRate: 1, stdout: false })).toEqual([]);
});

// OTLP export end to end (the exporter loads its HTTP agent with a dynamic import, which jest's VM
// cannot run): test/integration/tracing/otlp-export.test.ts.
