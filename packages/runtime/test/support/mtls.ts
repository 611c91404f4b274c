/**
 * Helpers for the mTLS scenarios: a MINIDAPR_HOME laid out as `minidapr init` leaves it (trust root
 * in certs/, config.yaml with spec.mtls on), workload certificates minted straight from an issuer,
 * and a raw HTTPS request to a sidecar-to-sidecar port.
 */
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { ensureTrustRoot, issuerFilesIn, loadIssuer } from '../../src/security/trust-root';
import { localIssuerSource, type WorkloadCert } from '../../src/security/workload-cert';

export const MTLS_CONFIG = 'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: daprConfig\nspec:\n  mtls:\n    enabled: true\n    workloadCertTTL: 24h\n    allowedClockSkew: 15m\n';

/** Trust root in `<home>/certs` and `<home>/config.yaml` with mTLS on; returns the config path. */
export async function initMtlsHome(home: string): Promise<string> {
  await ensureTrustRoot(join(home, 'certs'), 'public');
  const config = join(home, 'config.yaml');
  writeFileSync(config, MTLS_CONFIG);
  return config;
}

/** A workload certificate for `appId`, signed by the issuer in `<certsDir>`. */
export function workloadCert(certsDir: string, appId: string): Promise<WorkloadCert> {
  const issuer = loadIssuer({ trustAnchorsFile: join(certsDir, 'ca.crt'), ...issuerFilesIn(certsDir) });
  return localIssuerSource(issuer)({ trustDomain: 'public', namespace: 'default', appId }, 3600e3, 60e3);
}

export interface RawResult {
  status?: number;
  body?: string;
  error?: string;
}

/** One HTTPS request to 127.0.0.1:port; a refused handshake resolves with `error` (never hangs: 5 s cap). */
export function rawHttps(port: number, o: https.RequestOptions & { body?: string }): Promise<RawResult> {
  return new Promise((resolve) => {
    const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/hello', agent: false, rejectUnauthorized: false, timeout: 5000, ...o }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end(o.body ?? '');
  });
}
