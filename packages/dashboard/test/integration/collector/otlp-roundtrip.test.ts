// Scenario: the fixture sent as OTLP/HTTP protobuf and as OTLP JSON reads back through the Zipkin
// API as the same Zipkin spans (less the endpoint details OTLP does not carry).
import { gzipSync } from 'node:zlib';
import { normalizeSpans, type ZipkinSpan } from '../../../src/index';
import { otlpProtoRoot } from '../../../src/collector/otlp-proto';
import { encodeOtlpProto, expectedAfterOtlp, recentFixture, sorted, toOtlpJson } from '../../fixtures/spans';
import { getJson, startTestCollector, type TestCollector } from './helpers';

async function allSpans(base: string): Promise<ZipkinSpan[]> {
  return sorted((await getJson<ZipkinSpan[][]>(base, '/api/v2/traces?limit=100')).flat());
}

describe('OTLP/HTTP round trip', () => {
  let viaProto: TestCollector;
  let viaJson: TestCollector;
  const fixture = normalizeSpans(recentFixture().spans);
  const request = toOtlpJson(fixture);
  const expected = sorted(fixture.map(expectedAfterOtlp));

  beforeAll(async () => {
    [viaProto, viaJson] = await Promise.all([startTestCollector(), startTestCollector()]);
  });
  afterAll(() => Promise.all([viaProto, viaJson].map((c) => c?.close())));

  it('accepts protobuf (gzip) and answers with an empty protobuf ExportTraceServiceResponse', async () => {
    const res = await fetch(`${viaProto.otlp}/v1/traces`, {
      method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, body: gzipSync(encodeOtlpProto(request)),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const body = new Uint8Array(await res.arrayBuffer());
    const decoded = otlpProtoRoot.lookupType('opentelemetry.proto.ExportTraceServiceResponse').decode(body);
    expect(decoded.toJSON()).toEqual({});
    expect(await allSpans(viaProto.zipkin)).toEqual(expected);
  });

  it('accepts OTLP JSON and answers with an empty JSON response', async () => {
    const res = await fetch(`${viaJson.otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({});
    expect(await allSpans(viaJson.zipkin)).toEqual(expected);
  });

  it('answers a malformed body with 400 and a google.rpc.Status in the request encoding', async () => {
    const asJson = await fetch(`${viaJson.otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans": [' });
    expect(asJson.status).toBe(400);
    expect(await asJson.json()).toMatchObject({ code: 3, message: expect.stringContaining('malformed JSON') });
    const asProto = await fetch(`${viaJson.otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from([0x0a, 0xff]) });
    expect(asProto.status).toBe(400);
    const status = otlpProtoRoot.lookupType('opentelemetry.proto.RpcStatus').decode(new Uint8Array(await asProto.arrayBuffer())).toJSON();
    expect(status).toMatchObject({ code: 3, message: expect.stringContaining('malformed OTLP') });
    const other = await fetch(`${viaJson.otlp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(other.status).toBe(415);
  });
});
