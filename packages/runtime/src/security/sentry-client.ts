/**
 * @module security/sentry-client
 * Workload certificates from a `minidapr sentry` signing service (not implemented yet).
 */
import { ConfigError } from '../errors/startup';
import type { WorkloadCertSource } from './workload-cert';

export function sentrySource(address: string, _trustAnchorsFile: string): WorkloadCertSource {
  return () => Promise.reject(new ConfigError([`--sentry-address: ${address}: signing through minidapr sentry is not supported yet; mount the issuer (--issuer-credentials) instead`]));
}
