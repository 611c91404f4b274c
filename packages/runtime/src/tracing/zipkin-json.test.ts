import { SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanRecord, type SpanSink } from './span-record';
import { encodeZipkinSpan, ZipkinJsonSender } from './zipkin-json';

/** A Zipkin endpoint that answers `status` and keeps every body it gets. */
async function receiver(status = 202): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/v2/spans`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function spans(): SpanRecord[] {
  const sink: SpanSink = { resource: resourceFromAttributes({ 'service.name': 'app' }), scope: { name: 'minidaprd' }, ended: () => undefined };
  const parent = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true };
  const ok = new SpanRecord(sink, 'CallLocal/b/m', SpanKind.CLIENT, parent.traceId, 'b7ad6b7169203331', parent, undefined, { 'dapr.api': 'POST /v1.0/invoke/b/method/m', n: 3, flag: true });
  ok.end(200);
  const failed = new SpanRecord(sink, '/v1.0/state/s', SpanKind.SERVER, '1af7651916cd43dd8448eb211c80319c', 'c7ad6b7169203331', undefined, undefined, { 'db.system': 'state', quote: 'a "b"\n' });
  failed.end(500);
  const errored = new SpanRecord(sink, 'pubsub/t', SpanKind.CONSUMER, '2af7651916cd43dd8448eb211c80319c', 'd7ad6b7169203331', undefined, undefined);
  errored.end(undefined, 'app answered RETRY');
  const internal = new SpanRecord(sink, 'x', SpanKind.INTERNAL, '3af7651916cd43dd8448eb211c80319c', 'e7ad6b7169203331', undefined, undefined, { 'service.name': 'other' });
  internal.end();
  return [ok, failed, errored, internal];
}

const exportWith = (exporter: { export(items: never[], done: (r: ExportResult) => void): void }, items: unknown[]): Promise<ExportResult> =>
  new Promise((resolve) => exporter.export(items as never[], resolve));

describe('Zipkin JSON export', () => {
  it("sends the JSON OpenTelemetry's ZipkinExporter sends for the same spans", async () => {
    const r = await receiver();
    const records = spans();
    const otel = new ZipkinExporter({ url: r.url, serviceName: 'app' });
    const ours = new ZipkinJsonSender(r.url);
    try {
      expect((await exportWith(otel, records.map((s) => s.toReadableSpan()))).code).toBe(ExportResultCode.SUCCESS);
      expect((await exportWith(ours, records.map((s) => encodeZipkinSpan(s, 'app', { 'service.name': 'app' })))).code).toBe(ExportResultCode.SUCCESS);
      expect(r.bodies).toHaveLength(2);
      expect(r.bodies[1]).toEqual(r.bodies[0]);
      expect((r.bodies[1] as Array<{ tags: Record<string, string> }>)[1]?.tags).toMatchObject({ 'otel.status_code': 'ERROR', error: 'Code(500): Internal Server Error', quote: 'a "b"\n' });
    } finally {
      await otel.shutdown();
      await ours.shutdown();
      await r.close();
    }
  });

  it('reports a refusing collector as a failed export and an empty batch as done', async () => {
    const r = await receiver(400);
    const ours = new ZipkinJsonSender(r.url);
    try {
      const failed = await exportWith(ours, [encodeZipkinSpan(spans()[0] as SpanRecord, 'app', {})]);
      expect(failed.code).toBe(ExportResultCode.FAILED);
      expect(String(failed.error)).toContain('400');
      expect((await exportWith(ours, [])).code).toBe(ExportResultCode.SUCCESS);
      expect(r.bodies).toHaveLength(1);
    } finally {
      await ours.shutdown();
      await r.close();
    }
  });

  it('reports a collector that is down as a failed export', async () => {
    const r = await receiver();
    await r.close();
    const ours = new ZipkinJsonSender(r.url);
    const result = await exportWith(ours, [encodeZipkinSpan(spans()[0] as SpanRecord, 'app', {})]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    await ours.shutdown();
  });
});
