#!/usr/bin/env node
// Issue 14: the in-process cost of one sampled span, without HTTP around it (build first).
//
//   node bench/tracing-span.mjs [distDir]         (default: this package's dist; ~15 s)
//
// Per sampled span, what one invocation does on each sidecar: start with an incoming sampled
// `traceparent`, name + attributes, one more attribute and end (phase "record", the request's
// path); then the batch's export through OpenTelemetry's Zipkin exporter's conversion and JSON
// (phase "export", off the request path but on the same thread; the HTTP send is replaced by a
// discard). BENCH_SPAN_N spans (200000) per repetition, BENCH_SPAN_REPS (5) repetitions, median
// µs per span printed.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.argv[2] ?? path.resolve(HERE, '..', 'dist'));
const require = createRequire(path.join(HERE, '..', 'package.json'));
const { createTracing } = await import(pathToFileURL(path.join(dist, 'tracing', 'tracer.js')).href);
const { ZipkinExporter } = require('@opentelemetry/exporter-zipkin');
const { ExportResultCode } = require('@opentelemetry/core');
const N = Number(process.env.BENCH_SPAN_N ?? 200000);
const REPS = Number(process.env.BENCH_SPAN_REPS ?? 5);

const noMetrics = { dropped() {}, exported() {} };
const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
let exportNs = 0;
let exportedSpans = 0;
let bytes = 0;
// The Zipkin exporter's real conversion and JSON, with the HTTP send replaced by a discard.
const zipkin = new ZipkinExporter({ url: 'http://127.0.0.1:9/api/v2/spans', serviceName: 'bench' });
zipkin._send = (zipkinSpans, done) => {
  bytes += JSON.stringify(zipkinSpans).length;
  done({ code: ExportResultCode.SUCCESS });
};
const timed = {
  export(spans, done) {
    const t0 = process.hrtime.bigint();
    // What ZipkinExporter.export → _sendSpans does before its HTTP request.
    zipkin._sendSpans(spans, 'bench', (r) => {
      exportNs += Number(process.hrtime.bigint() - t0);
      exportedSpans += spans.length;
      done(r);
    });
  },
  shutdown: async () => undefined,
};

const tracing = createTracing({ appId: 'bench', config: { samplingRate: 1, stdout: false }, metrics: noMetrics, exporters: [timed], batch: { maxQueueSize: 1 << 20, delayMs: 1 << 30 } });
const ATTRS = { 'rpc.service': 'ServiceInvocation', 'dapr.invoke_method': 'echo', 'dapr.protocol': 'http', 'dapr.api': 'POST /echo' };

async function rep() {
  exportNs = 0;
  exportedSpans = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const s = tracing.start('CallLocal', 'SERVER', PARENT, undefined);
    s.setName('CallLocal/callee/echo');
    s.setAttributes(ATTRS);
    s.setAttributes({ 'dapr.status_code': '200' });
    s.end(200);
    if (s.traceparent.length !== 55) throw new Error('bad traceparent');
    if ((i & 127) === 127) await tracing.flush();
  }
  const recordNs = Number(process.hrtime.bigint() - t0) - exportNs;
  await tracing.flush();
  return { record: recordNs / N / 1000, export: exportNs / Math.max(1, exportedSpans) / 1000 };
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
await rep(); // warm-up
const rs = [];
for (let i = 0; i < REPS; i++) rs.push(await rep());
console.log(`${dist}: µs per sampled span (median of ${REPS} × ${N}): record ${median(rs.map((r) => r.record)).toFixed(2)}, zipkin export ${median(rs.map((r) => r.export)).toFixed(2)}; all reps record ${rs.map((r) => r.record.toFixed(2)).join(' ')}`);
