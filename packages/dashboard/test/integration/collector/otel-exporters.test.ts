// Scenario: OpenTelemetry's own Zipkin and OTLP/HTTP protobuf exporters (the ones minidaprd uses),
// each in its own process, deliver to the collector, and the spans read back through the Zipkin API
// with parent links, kinds, attributes, events and errors.
// The exporters are hoisted from the runtime's dependencies; they are not dashboard dependencies.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@minidapr/testkit';
import type { ZipkinSpan } from '../../../src/index';
import { getJson, startTestCollector, type TestCollector } from './helpers';

const EMIT = join(__dirname, '../../fixtures/emit-spans.js');

async function emit(kind: 'zipkin' | 'otlp-proto', url: string, service: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [EMIT, kind, url, service], { timeout: 20_000 });
  return stdout.trim();
}

function check(spans: ZipkinSpan[], service: string): { root: ZipkinSpan; child: ZipkinSpan } {
  const root = spans.find((s) => s.kind === 'SERVER')!;
  const child = spans.find((s) => s.kind === 'CLIENT')!;
  expect(root).toMatchObject({ name: 'post /v1.0/invoke/b/method/x', localEndpoint: { serviceName: service }, tags: { 'dapr.api': 'POST /v1.0/invoke/b/method/x' } });
  expect(root.parentId).toBeUndefined();
  expect(child).toMatchObject({
    parentId: root.id, name: 'calllocal/b/x', localEndpoint: { serviceName: service },
    tags: { 'peer.service': 'b', 'dapr.status_code': '500', error: 'callee failed', 'otel.status_code': 'ERROR' },
  });
  expect(child.annotations?.map((a) => a.value)).toEqual(['retry']);
  expect(child.timestamp).toBeGreaterThan(Date.now() * 1000 - 60_000_000);
  return { root, child };
}

async function readTrace(c: TestCollector, traceId: string): Promise<ZipkinSpan[]> {
  return waitFor(`trace ${traceId}`, async () => {
    const res = await fetch(`${c.zipkin}/api/v2/trace/${traceId}`);
    const spans = res.status === 200 ? ((await res.json()) as ZipkinSpan[]) : [];
    return spans.length === 2 ? spans : undefined;
  });
}

describe('OpenTelemetry exporters as clients', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector();
  });
  afterAll(() => c.close());

  it('reads spans from the Zipkin exporter', async () => {
    const traceId = await emit('zipkin', `${c.zipkin}/api/v2/spans`, 'Sidecar-A');
    const { child } = check(await readTrace(c, traceId), 'sidecar-a');
    // OpenTelemetry's JS Zipkin exporter sends no remoteEndpoint: the peer stays a tag only.
    expect(child.remoteEndpoint).toBeUndefined();
  });

  it('reads spans from the OTLP/HTTP protobuf exporter', async () => {
    const traceId = await emit('otlp-proto', `${c.otlp}/v1/traces`, 'sidecar-b');
    const { child } = check(await readTrace(c, traceId), 'sidecar-b');
    expect(child.remoteEndpoint).toEqual({ serviceName: 'b' });
    expect(await getJson(c.zipkin, '/api/v2/traces?serviceName=sidecar-b&annotationQuery=error')).toHaveLength(1);
    expect(await getJson(c.zipkin, '/api/v2/remoteServices?serviceName=sidecar-b')).toEqual(['b']);
  });
});
