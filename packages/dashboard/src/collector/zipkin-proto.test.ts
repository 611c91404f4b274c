import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeSpans } from './normalize';
import type { ZipkinSpan } from './types';
import { decodeZipkinProto, encodeZipkinProto, zipkinProtoRoot } from './zipkin-proto';

const FIXTURE = normalizeSpans(JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/zipkin-multi-service.json'), 'utf8')));

describe('Zipkin proto3', () => {
  it('round-trips the fixture: decode(encode(spans)) normalises to the same spans', () => {
    expect(normalizeSpans(decodeZipkinProto(encodeZipkinProto(FIXTURE)))).toEqual(FIXTURE);
  });

  it('decodes ids from bytes, IPs from bytes, kinds and 64-bit timestamps', () => {
    const span: ZipkinSpan = {
      traceId: '0af7651916cd43dd8448eb211c80319c', id: 'b7ad6b7169203331', kind: 'PRODUCER', name: 'send',
      timestamp: 1_796_644_800_123_456, duration: 7, localEndpoint: { serviceName: 'a', ipv4: '10.0.0.1', ipv6: '2001:db8::1', port: 80 },
    };
    const [decoded] = decodeZipkinProto(encodeZipkinProto([span]));
    expect(normalizeSpans([decoded])[0]).toEqual(span);
  });

  it('writes IPv6 addresses in their compressed text form', () => {
    const text = (ipv6: string): string | undefined => normalizeSpans(decodeZipkinProto(encodeZipkinProto([{ traceId: '1', id: '2', localEndpoint: { ipv6 } }])))[0]!.localEndpoint?.ipv6;
    expect(text('::1')).toBe('::1');
    expect(text('fe80::')).toBe('fe80::');
    expect(text('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2:3:4:5:6');
    expect(text('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1');
  });

  it('reads a body built straight from the schema with field numbers only', () => {
    const type = zipkinProtoRoot.lookupType('zipkin.proto3.ListOfSpans');
    const body = type.encode(type.fromObject({ spans: [{ traceId: Buffer.from('01', 'hex'), id: Buffer.from('02', 'hex'), tags: { k: 'v' } }] })).finish();
    expect(normalizeSpans(decodeZipkinProto(body))).toEqual([{ traceId: '0000000000000001', id: '0000000000000002', tags: { k: 'v' } }]);
  });

  it('fails clearly on a body that is not a ListOfSpans', () => {
    expect(() => decodeZipkinProto(Buffer.from('{"not":"protobuf"}'))).toThrow(/malformed Zipkin protobuf ListOfSpans/);
  });
});
