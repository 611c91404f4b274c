/**
 * @module security/workload-cert
 * A sidecar's workload certificate: a fresh EC key per certificate, signed by the issuer, valid
 * from (now − allowedClockSkew) for workloadCertTTL but never beyond the issuer, and renewed at 70%
 * of its lifetime.
 */
import type { IssuerCredentials } from './trust-root';
import { spiffeIdString, type SpiffeId } from './spiffe';

/** Dapr's defaults (`spec.mtls.workloadCertTTL`, `spec.mtls.allowedClockSkew`). */
export const DEFAULT_WORKLOAD_CERT_TTL_MS = 24 * 3600 * 1000;
export const DEFAULT_ALLOWED_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** Renew once this share of the certificate's lifetime (from issue) has passed. */
export const RENEW_AT_FRACTION = 0.7;
/** A failed renewal is tried again after this long (or sooner, when expiry is nearer). */
export const RENEW_RETRY_MS = 30_000;

export interface WorkloadCert {
  spiffeId: string;
  keyPem: string;
  /** Leaf then issuer, as the TLS peer needs them to build the path to the trust anchor. */
  certChainPem: string;
  trustAnchors: string;
  notBefore: Date;
  notAfter: Date;
}

/** Something that turns an identity into a signed certificate: the local issuer or a signing service. */
export type WorkloadCertSource = (id: SpiffeId, ttlMs: number, skewMs: number) => Promise<WorkloadCert>;

/** Signs with issuer credentials held by this process (self-hosted, or a mounted issuer secret). */
export function localIssuerSource(issuer: IssuerCredentials, now: () => Date = () => new Date()): WorkloadCertSource {
  return async (id, ttlMs, skewMs) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed, off the start-up path
    const { newKeyPair, signWorkloadCert } = require('./x509') as typeof import('./x509');
    const t = now();
    const notBefore = new Date(t.getTime() - skewMs);
    const notAfter = new Date(Math.min(t.getTime() + ttlMs, issuer.issuerNotAfter.getTime()));
    const keys = await newKeyPair();
    const spiffeId = spiffeIdString(id);
    const leaf = await signWorkloadCert({
      issuerCert: issuer.issuerCert,
      issuerKey: issuer.issuerKey,
      publicKey: keys.publicKey,
      spiffeId,
      commonName: id.appId,
      notBefore,
      notAfter,
    });
    return { spiffeId, keyPem: keys.privateKeyPem, certChainPem: leaf + issuer.issuerCert, trustAnchors: issuer.trustAnchors, notBefore, notAfter };
  };
}

/** Milliseconds from `now` until the certificate should be renewed (at least 1 s, fits a timer). */
export function renewDelayMs(cert: Pick<WorkloadCert, 'notAfter'>, issuedAt: Date, now = new Date()): number {
  const lifetime = cert.notAfter.getTime() - issuedAt.getTime();
  const due = issuedAt.getTime() + lifetime * RENEW_AT_FRACTION;
  return Math.min(Math.max(due - now.getTime(), 1000), 2 ** 31 - 1);
}
