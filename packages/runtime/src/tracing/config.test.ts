import { ConfigError } from '../errors/startup';
import { DEFAULT_SAMPLING_RATE, defaultTracingConfig, parseTracingSpec } from './config';

describe('parseTracingSpec', () => {
  it("defaults to daprd's 0.0001 with no exporter", () => {
    expect(defaultTracingConfig()).toEqual({ samplingRate: DEFAULT_SAMPLING_RATE, stdout: false });
    expect(parseTracingSpec({}, 'c.yaml', undefined).samplingRate).toBe(0.0001);
  });

  it('reads the sampling rate as a string or a number', () => {
    expect(parseTracingSpec({ samplingRate: '1' }, 'c.yaml', undefined).samplingRate).toBe(1);
    expect(parseTracingSpec({ samplingRate: '0' }, 'c.yaml', undefined).samplingRate).toBe(0);
    expect(parseTracingSpec({ samplingRate: 0.5 }, 'c.yaml', undefined).samplingRate).toBe(0.5);
  });

  it('refuses a rate outside 0..1 or not a number', () => {
    expect(() => parseTracingSpec({ samplingRate: '2' }, 'c.yaml', undefined)).toThrow(ConfigError);
    expect(() => parseTracingSpec({ samplingRate: 'all' }, 'c.yaml', undefined)).toThrow(/samplingRate/);
  });

  it('reads the zipkin endpoint and stdout', () => {
    const c = parseTracingSpec({ samplingRate: '1', stdout: true, zipkin: { endpointAddress: 'http://localhost:9411/api/v2/spans' } }, 'c.yaml', undefined);
    expect(c).toEqual({ samplingRate: 1, stdout: true, zipkin: { url: 'http://localhost:9411/api/v2/spans' } });
  });

  it('builds the OTLP/HTTP traces URL from host:port and isSecure', () => {
    expect(parseTracingSpec({ otel: { endpointAddress: 'localhost:4318', protocol: 'http' } }, 'c.yaml', undefined).otel?.url).toBe('http://localhost:4318/v1/traces');
    expect(parseTracingSpec({ otel: { endpointAddress: 'collector:4318', isSecure: true } }, 'c.yaml', undefined).otel?.url).toBe('https://collector:4318/v1/traces');
    expect(parseTracingSpec({ otel: { endpointAddress: 'http://c:4318/custom' } }, 'c.yaml', undefined).otel?.url).toBe('http://c:4318/custom');
  });

  it('refuses the grpc protocol with a clear error', () => {
    expect(() => parseTracingSpec({ otel: { endpointAddress: 'localhost:4317', protocol: 'grpc' } }, 'c.yaml', undefined)).toThrow(/"grpc" is not supported.*protocol: http/);
  });

  it('lets a later document override what it sets', () => {
    const first = parseTracingSpec({ samplingRate: '1', zipkin: { endpointAddress: 'http://a/api/v2/spans' } }, 'a.yaml', undefined);
    const second = parseTracingSpec({ samplingRate: '0.5' }, 'b.yaml', first);
    expect(second).toEqual({ samplingRate: 0.5, stdout: false, zipkin: { url: 'http://a/api/v2/spans' } });
  });
});
