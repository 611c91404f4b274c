/**
 * @module security/x509
 * Certificate minting for the trust root (the only importer of @peculiar/x509; loaded lazily, so a
 * sidecar with mTLS off never pays for it). Keys are EC P-256 from node:crypto's WebCrypto, like
 * Dapr Sentry's; certificates are SHA-256/ECDSA.
 */
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type X509Crypto = Parameters<typeof x509.X509CertificateGenerator.create>[1];
const crypto = webcrypto as unknown as NonNullable<X509Crypto>;
const subtle = webcrypto.subtle;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Dapr: self-signed roots (and their issuer) are valid for one year. */
export const TRUST_ROOT_TTL_MS = 365 * 24 * 3600 * 1000;

export interface TrustRootPem {
  /** The root certificate: the trust anchor every sidecar checks peers against. */
  caCert: string;
  /** The issuer (intermediate) certificate and its key: what signs workload certificates. */
  issuerCert: string;
  issuerKey: string;
}

export interface KeyPair {
  privateKeyPem: string;
  publicKey: CryptoKey;
}

export async function newKeyPair(): Promise<KeyPair> {
  const keys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = Buffer.from(await subtle.exportKey('pkcs8', keys.privateKey));
  // SEC1 "EC PRIVATE KEY" PEM is what Dapr writes; node's tls accepts either.
  const privateKeyPem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'sec1' }).toString();
  return { privateKeyPem, publicKey: keys.publicKey };
}

async function importSigningKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
  return subtle.importKey('pkcs8', der, EC, false, ['sign']);
}

/** A positive 128-bit serial (RFC 5280: at most 20 octets, non-negative). */
function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] as number) & 0x7f;
  return b.toString('hex');
}

function caExtensions(pathLength: number) {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
}

/** A new root (its key is dropped once the issuer is signed, as `dapr init` does) and an issuer. */
export async function createTrustRoot(trustDomain: string, now = new Date(), ttlMs = TRUST_ROOT_TTL_MS): Promise<TrustRootPem> {
  const notAfter = new Date(now.getTime() + ttlMs);
  const rootKeys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const root = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serial(),
      name: `CN=minidapr trust root, O=${trustDomain}`,
      notBefore: now,
      notAfter,
      signingAlgorithm: SIGN,
      keys: rootKeys,
      extensions: [...caExtensions(1), await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey, false, crypto)],
    },
    crypto,
  );
  const issuer = await newKeyPair();
  const issuerCert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: `CN=minidapr issuer, O=${trustDomain}`,
      issuer: root.subject,
      notBefore: now,
      notAfter,
      signingAlgorithm: SIGN,
      publicKey: issuer.publicKey,
      signingKey: rootKeys.privateKey,
      extensions: [
        ...caExtensions(0),
        await x509.SubjectKeyIdentifierExtension.create(issuer.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { caCert: root.toString('pem') + '\n', issuerCert: issuerCert.toString('pem') + '\n', issuerKey: issuer.privateKeyPem };
}

export interface WorkloadCertRequest {
  issuerCert: string;
  issuerKey: string;
  /** The workload's public key (its private key never leaves the sidecar). */
  publicKey: CryptoKey;
  spiffeId: string;
  /** Common name, for humans reading the certificate (the app id). */
  commonName: string;
  notBefore: Date;
  notAfter: Date;
}

/** A workload (leaf) certificate: the SPIFFE ID as its one URI SAN, good for TLS server and client. */
export async function signWorkloadCert(r: WorkloadCertRequest): Promise<string> {
  const issuer = new x509.X509Certificate(r.issuerCert);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serial(),
      subject: `CN=${r.commonName.replace(/[,+="\\<>;#]/g, '_')}`,
      issuer: issuer.subject,
      notBefore: r.notBefore,
      notAfter: r.notAfter,
      signingAlgorithm: SIGN,
      publicKey: r.publicKey,
      signingKey: await importSigningKey(r.issuerKey),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], false),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: r.spiffeId }], true),
        await x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return cert.toString('pem') + '\n';
}
