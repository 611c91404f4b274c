// Scenario: the fixture posted as Zipkin proto3 (plain and gzip) reads back equal to the JSON post.
import { gzipSync } from 'node:zlib';
import { encodeZipkinProto, normalizeSpans, type ZipkinSpan } from '../../../src/index';
import { recentFixture, sorted } from '../../fixtures/spans';
import { getJson, startTestCollector, type TestCollector } from './helpers';

async function post(base: string, body: Uint8Array | string, headers: Record<string, string>): Promise<number> {
  return (await fetch(`${base}/api/v2/spans`, { method: 'POST', headers, body })).status;
}

async function allSpans(base: string): Promise<ZipkinSpan[]> {
  return sorted((await getJson<ZipkinSpan[][]>(base, '/api/v2/traces?limit=100')).flat());
}

describe('Zipkin proto3 round trip', () => {
  let viaJson: TestCollector;
  let viaProto: TestCollector;
  let viaGzip: TestCollector;
  const { spans } = recentFixture();

  beforeAll(async () => {
    [viaJson, viaProto, viaGzip] = await Promise.all([startTestCollector(), startTestCollector(), startTestCollector()]);
  });
  afterAll(() => Promise.all([viaJson, viaProto, viaGzip].map((c) => c?.close())));

  it('stores the same spans from JSON, protobuf and gzip-compressed protobuf bodies', async () => {
    const proto = encodeZipkinProto(normalizeSpans(spans));
    expect(await post(viaJson.zipkin, JSON.stringify(spans), { 'content-type': 'application/json' })).toBe(202);
    expect(await post(viaProto.zipkin, proto, { 'content-type': 'application/x-protobuf' })).toBe(202);
    expect(await post(viaGzip.zipkin, gzipSync(proto), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' })).toBe(202);
    const expected = await allSpans(viaJson.zipkin);
    expect(expected).toHaveLength(spans.length);
    expect(await allSpans(viaProto.zipkin)).toEqual(expected);
    expect(await allSpans(viaGzip.zipkin)).toEqual(expected);
    expect(await getJson(viaProto.zipkin, '/api/v2/services')).toEqual(['checkout', 'order-processor']);
  });
});
