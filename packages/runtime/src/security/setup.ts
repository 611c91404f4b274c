/**
 * @module security/setup
 * Decides whether a sidecar runs mTLS (--enable-mtls, else the Configuration's spec.mtls.enabled)
 * and, when it does, gets its first workload certificate: from the local issuer (MINIDAPR_HOME/certs
 * or --issuer-credentials / --trust-anchors-file) or from a signing service (--sentry-address).
 */
import { join } from 'node:path';
import type { Logger } from '../components/types';
import type { MtlsConfig } from '../config/mtls';
import type { RuntimeOptions } from '../options';
import { startMtls, type Mtls } from './mtls';
import { DEFAULT_NAMESPACE, DEFAULT_TRUST_DOMAIN } from './peer-identity';
import { CA_CERT_FILE, CERTS_DIR, issuerFilesIn, loadIssuer } from './trust-root';
import { DEFAULT_ALLOWED_CLOCK_SKEW_MS, DEFAULT_WORKLOAD_CERT_TTL_MS, localIssuerSource, type WorkloadCertSource } from './workload-cert';

export function mtlsEnabled(options: RuntimeOptions, config: MtlsConfig | undefined): boolean {
  return options.mtls.enabled ?? config?.enabled ?? false;
}

/** The one line said at start-up when peers are not authenticated by certificate. */
export function mtlsOffWarning(internal: string, apiToken: boolean): string {
  return (
    `mTLS is off: the sidecar-to-sidecar port ${internal} takes the caller's app id from its dapr-caller-app-id header, ` +
    `so any process that can reach it can claim to be any app${apiToken ? ' (it does require DAPR_API_TOKEN)' : ''}; ` +
    'run minidapr init (its config.yaml sets spec.mtls.enabled: true) or pass --enable-mtls for verified identities'
  );
}

export async function setupMtls(options: RuntimeOptions, config: MtlsConfig | undefined, logger: Logger): Promise<Mtls | undefined> {
  if (!mtlsEnabled(options, config)) return undefined;
  const certs = join(options.home, CERTS_DIR);
  const sentry = options.mtls.sentryAddress ?? config?.sentryAddress;
  let source: WorkloadCertSource;
  if (sentry) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed, off the start-up path
    const { sentrySource } = require('./sentry-client') as typeof import('./sentry-client');
    source = sentrySource(sentry, options.mtls.trustAnchorsFile ?? join(certs, CA_CERT_FILE));
  } else {
    const issuer = loadIssuer({
      trustAnchorsFile: options.mtls.trustAnchorsFile ?? join(certs, CA_CERT_FILE),
      ...issuerFilesIn(options.mtls.issuerCredentials ?? certs),
    });
    source = localIssuerSource(issuer);
  }
  return startMtls({
    identity: {
      trustDomain: config?.trustDomain ?? DEFAULT_TRUST_DOMAIN,
      namespace: options.namespace ?? DEFAULT_NAMESPACE,
      appId: options.appId,
    },
    workloadCertTtlMs: config?.workloadCertTtlMs ?? DEFAULT_WORKLOAD_CERT_TTL_MS,
    allowedClockSkewMs: config?.allowedClockSkewMs ?? DEFAULT_ALLOWED_CLOCK_SKEW_MS,
    source,
    logger,
  });
}
