/**
 * @module security/trust-root
 * The trust root on disk, laid out like `dapr init`'s certs folder: `ca.crt` (the trust anchor),
 * `issuer.crt` and `issuer.key` (mode 0600, what signs workload certificates). Created once and
 * never replaced; loading checks that the three belong together and are in date.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors/startup';

export const CA_CERT_FILE = 'ca.crt';
export const ISSUER_CERT_FILE = 'issuer.crt';
export const ISSUER_KEY_FILE = 'issuer.key';
/** Below MINIDAPR_HOME: where `minidapr init` puts the trust root. */
export const CERTS_DIR = 'certs';

export interface IssuerCredentials {
  /** PEM of every trust anchor (one or more root certificates). */
  trustAnchors: string;
  issuerCert: string;
  issuerKey: string;
  /** When the issuer stops being valid: workload certificates never outlive it. */
  issuerNotAfter: Date;
}

export type TrustRootStatus = 'created' | 'kept';

/**
 * Creates the trust root in `dir` unless it is already there. A partial set (some of the three
 * files) is an error rather than silently replaced: certificates already issued would stop working.
 */
export async function ensureTrustRoot(dir: string, trustDomain: string): Promise<TrustRootStatus> {
  const files = [CA_CERT_FILE, ISSUER_CERT_FILE, ISSUER_KEY_FILE].map((f) => join(dir, f));
  const present = files.filter((f) => existsSync(f));
  if (present.length === files.length) return 'kept';
  if (present.length > 0) {
    throw new ConfigError([`${dir}: incomplete trust root (found ${present.map((f) => f.slice(dir.length + 1)).join(', ')}); remove the folder to create a new one`]);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when needed, off the start-up path
  const { createTrustRoot } = require('./x509') as typeof import('./x509');
  const root = await createTrustRoot(trustDomain);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, ISSUER_KEY_FILE), root.issuerKey, { flag: 'wx', mode: 0o600 });
  chmodSync(join(dir, ISSUER_KEY_FILE), 0o600); // the umask may have narrowed nothing, but never widen
  writeFileSync(join(dir, ISSUER_CERT_FILE), root.issuerCert, { flag: 'wx', mode: 0o644 });
  writeFileSync(join(dir, CA_CERT_FILE), root.caCert, { flag: 'wx', mode: 0o644 });
  return 'created';
}

function read(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([`${flag}: ${file} does not exist or cannot be read (run minidapr init to create the trust root)`]);
  }
}

/** Every certificate in a PEM bundle. */
export function pemCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

export interface IssuerFiles {
  trustAnchorsFile: string;
  issuerCertFile: string;
  issuerKeyFile: string;
}

export function issuerFilesIn(dir: string): Omit<IssuerFiles, 'trustAnchorsFile'> {
  return { issuerCertFile: join(dir, ISSUER_CERT_FILE), issuerKeyFile: join(dir, ISSUER_KEY_FILE) };
}

/** Reads and checks the issuer: it parses, its key matches, a trust anchor signed it, it is in date. */
export function loadIssuer(f: IssuerFiles, now = new Date()): IssuerCredentials {
  const trustAnchors = read(f.trustAnchorsFile, '--trust-anchors-file');
  const issuerCert = read(f.issuerCertFile, '--issuer-credentials');
  const issuerKey = read(f.issuerKeyFile, '--issuer-credentials');
  let anchors: X509Certificate[];
  let issuer: X509Certificate;
  try {
    anchors = pemCertificates(trustAnchors);
  } catch (err) {
    throw new ConfigError([`--trust-anchors-file: ${f.trustAnchorsFile} is not a PEM certificate bundle (${(err as Error).message})`]);
  }
  if (anchors.length === 0) throw new ConfigError([`--trust-anchors-file: ${f.trustAnchorsFile} holds no PEM certificate`]);
  try {
    issuer = new X509Certificate(issuerCert);
  } catch (err) {
    throw new ConfigError([`--issuer-credentials: ${f.issuerCertFile} is not a PEM certificate (${(err as Error).message})`]);
  }
  try {
    if (!issuer.checkPrivateKey(createPrivateKey(issuerKey))) throw new Error('the key does not match the certificate');
  } catch (err) {
    throw new ConfigError([`--issuer-credentials: ${f.issuerKeyFile} is not the key of ${f.issuerCertFile} (${(err as Error).message})`]);
  }
  if (!issuer.ca) throw new ConfigError([`--issuer-credentials: ${f.issuerCertFile} is not a CA certificate`]);
  if (!anchors.some((a) => a.subject === issuer.issuer && issuer.verify(a.publicKey))) {
    throw new ConfigError([`--issuer-credentials: ${f.issuerCertFile} was not signed by a certificate in ${f.trustAnchorsFile}`]);
  }
  const notAfter = new Date(issuer.validTo);
  if (notAfter <= now || new Date(issuer.validFrom) > now) {
    throw new ConfigError([`--issuer-credentials: ${f.issuerCertFile} is valid from ${issuer.validFrom} to ${issuer.validTo}, not now`]);
  }
  return { trustAnchors, issuerCert, issuerKey, issuerNotAfter: notAfter };
}
