import { ConfigError } from '../errors/startup';
import { parseMtlsSpec } from './mtls';

it('reads spec.mtls with Go durations and the trust domain from accessControl', () => {
  expect(parseMtlsSpec({ mtls: { enabled: true, workloadCertTTL: '1h30m', allowedClockSkew: '5m', sentryAddress: 'sentry:50001' }, accessControl: { trustDomain: 'Example.org' } }, 'c.yaml', undefined)).toEqual({
    enabled: true,
    workloadCertTtlMs: 90 * 60e3,
    allowedClockSkewMs: 5 * 60e3,
    sentryAddress: 'sentry:50001',
    trustDomain: 'example.org',
  });
});

it('leaves the configuration alone when neither field is present, and merges later files field by field', () => {
  expect(parseMtlsSpec({}, 'c.yaml', undefined)).toBeUndefined();
  expect(parseMtlsSpec({ mtls: { enabled: 'false' } }, 'b.yaml', { enabled: true, workloadCertTtlMs: 60e3 })).toEqual({ enabled: false, workloadCertTtlMs: 60e3 });
});

it.each([
  [{ mtls: 'yes' }, 'c.yaml: field "spec.mtls" must be a mapping'],
  [{ mtls: { enabled: 'on' } }, 'c.yaml: field "spec.mtls.enabled" must be true or false, got "on"'],
  [{ mtls: { workloadCertTTL: 'a day' } }, 'c.yaml: field "spec.mtls.workloadCertTTL" must be a duration like 24h or 15m, got "a day"'],
  [{ mtls: { workloadCertTTL: '10s' } }, 'c.yaml: field "spec.mtls.workloadCertTTL" must be at least 1m, got "10s"'],
  [{ accessControl: { trustDomain: 'a/b' } }, 'c.yaml: field "spec.accessControl.trustDomain" must be a DNS-like name, got "a/b"'],
])('names the file and field of a bad value: %j', (spec, message) => {
  expect(() => parseMtlsSpec(spec as Record<string, unknown>, 'c.yaml', undefined)).toThrow(new ConfigError([message]));
});
