import { normalizeSpans } from './normalize';
import { anyValueToString, otlpToZipkin } from './otlp-convert';
import { decodeOtlpTraceRequest } from './otlp-proto';
import { encodeOtlpProto, expectedAfterOtlp, recentFixture, sorted, toOtlpJson } from '../../test/fixtures/spans';

describe('otlpToZipkin', () => {
  it('maps the fixture back to the same Zipkin spans (less what OTLP does not carry)', () => {
    const { spans } = recentFixture();
    const fixture = normalizeSpans(spans);
    expect(sorted(normalizeSpans(otlpToZipkin(toOtlpJson(fixture))))).toEqual(sorted(fixture.map(expectedAfterOtlp)));
  });

  it('decodes the protobuf encoding to the same OTLP JSON shape', () => {
    const request = toOtlpJson(normalizeSpans(recentFixture().spans));
    expect(normalizeSpans(otlpToZipkin(decodeOtlpTraceRequest(encodeOtlpProto(request))))).toEqual(normalizeSpans(otlpToZipkin(request)));
  });

  it('follows the OpenTelemetry Zipkin mapping for kinds, status, events, resource and scope', () => {
    const [span] = otlpToZipkin({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'Checkout' } }, { key: 'host.name', value: { stringValue: 'box' } }] },
        scopeSpans: [{
          scope: { name: 'minidaprd', version: '1.0' },
          spans: [{
            traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'GET /x', kind: 'SPAN_KIND_CLIENT',
            startTimeUnixNano: '1796644800000000500', endTimeUnixNano: '1796644800000250000',
            attributes: [
              { key: 'server.address', value: { stringValue: '10.1.2.3' } }, { key: 'server.port', value: { intValue: '8080' } },
              { key: 'retry', value: { boolValue: true } }, { key: 'ratio', value: { doubleValue: 0.5 } },
              { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
            ],
            events: [{ timeUnixNano: '1796644800000100000', name: 'retry', attributes: [{ key: 'n', value: { intValue: '1' } }] }],
            status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
          }],
        }],
      }],
    });
    expect(span).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c', id: 'b7ad6b7169203331', kind: 'CLIENT',
      timestamp: 1796644800000001, duration: 249,
      localEndpoint: { serviceName: 'Checkout' }, remoteEndpoint: { serviceName: '10.1.2.3', ipv4: '10.1.2.3', port: 8080 },
      annotations: [{ timestamp: 1796644800000100, value: '{"retry":{"n":"1"}}' }],
      tags: {
        'host.name': 'box', 'otel.scope.name': 'minidaprd', 'otel.scope.version': '1.0', 'otel.status_code': 'ERROR', error: 'boom',
        retry: 'true', ratio: '0.5', list: '["a","2"]', 'server.port': '8080',
      },
    });
  });

  it('leaves INTERNAL spans without a kind, names a missing service, and rejects non-objects', () => {
    const [span] = otlpToZipkin({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '01', spanId: '02', kind: 1, status: { code: 1 } }] }] }] });
    expect(span).toMatchObject({ kind: undefined, localEndpoint: { serviceName: 'unknown_service' }, tags: { 'otel.status_code': 'OK' } });
    expect(() => otlpToZipkin([])).toThrow('expected an ExportTraceServiceRequest');
    expect(anyValueToString({ kvlistValue: { values: [{ key: 'a', value: { boolValue: false } }] } })).toBe('{"a":"false"}');
  });
});
