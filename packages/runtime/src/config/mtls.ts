/**
 * @module config/mtls
 * `spec.mtls` of a Configuration (Dapr's fields: enabled, workloadCertTTL, allowedClockSkew,
 * sentryAddress) and the trust domain from `spec.accessControl.trustDomain`. A bad value fails
 * start-up naming the file and the field.
 */
import { parseDurationMs } from '../components/metadata';
import { ConfigError } from '../errors/startup';

export interface MtlsConfig {
  enabled?: boolean;
  workloadCertTtlMs?: number;
  allowedClockSkewMs?: number;
  sentryAddress?: string;
  trustDomain?: string;
}

/** Merges what one Configuration document says into `into` (later files win field by field). */
export function parseMtlsSpec(spec: Record<string, unknown>, file: string, into: MtlsConfig | undefined): MtlsConfig | undefined {
  const raw = spec.mtls;
  const ac = spec.accessControl as Record<string, unknown> | undefined;
  const trustDomain = ac && typeof ac === 'object' && ac.trustDomain !== undefined ? String(ac.trustDomain) : undefined;
  if (raw === undefined && trustDomain === undefined) return into;
  const out: MtlsConfig = { ...into };
  if (trustDomain !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(trustDomain)) throw new ConfigError([`${file}: field "spec.accessControl.trustDomain" must be a DNS-like name, got "${trustDomain}"`]);
    out.trustDomain = trustDomain.toLowerCase();
  }
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError([`${file}: field "spec.mtls" must be a mapping`]);
  const m = raw as Record<string, unknown>;
  if (m.enabled !== undefined) {
    if (m.enabled === true || m.enabled === 'true') out.enabled = true;
    else if (m.enabled === false || m.enabled === 'false') out.enabled = false;
    else throw new ConfigError([`${file}: field "spec.mtls.enabled" must be true or false, got ${JSON.stringify(m.enabled)}`]);
  }
  const duration = (field: string): number | undefined => {
    const v = m[field];
    if (v === undefined || v === '') return undefined;
    const ms = parseDurationMs(String(v));
    if (ms === undefined || ms < 0) throw new ConfigError([`${file}: field "spec.mtls.${field}" must be a duration like 24h or 15m, got ${JSON.stringify(v)}`]);
    return ms;
  };
  const ttl = duration('workloadCertTTL');
  if (ttl !== undefined) {
    if (ttl < 60_000) throw new ConfigError([`${file}: field "spec.mtls.workloadCertTTL" must be at least 1m, got ${JSON.stringify(m.workloadCertTTL)}`]);
    out.workloadCertTtlMs = ttl;
  }
  const skew = duration('allowedClockSkew');
  if (skew !== undefined) out.allowedClockSkewMs = skew;
  if (m.sentryAddress !== undefined && m.sentryAddress !== '') out.sentryAddress = String(m.sentryAddress);
  return out;
}
