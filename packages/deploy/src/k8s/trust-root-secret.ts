/**
 * @module k8s/trust-root-secret
 * The Secret the manifests' sidecars mount at /certs, built the way
 * `kubectl create secret generic minidapr-trust-root --from-file=<dir>` builds it from a trust root
 * folder (ca.crt, issuer.crt, issuer.key). The manifests never contain it: users create it from
 * their own root (k8s/README.md); tests add one made in a temp folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CA_CERT_FILE, DEFAULT_TRUST_DOMAIN, ensureTrustRoot, ISSUER_CERT_FILE, ISSUER_KEY_FILE } from '@minidapr/runtime';
import type { K8sObject } from './kustomize';

/** The Secret's name in every manifest. */
export const TRUST_ROOT_SECRET = 'minidapr-trust-root';

/** `kubectl create secret generic <name> -n <namespace> --from-file=<dir>` for a trust root folder. */
export function trustRootSecret(dir: string, namespace: string, name = TRUST_ROOT_SECRET): K8sObject {
  const data = Object.fromEntries([CA_CERT_FILE, ISSUER_CERT_FILE, ISSUER_KEY_FILE].map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name, namespace }, data };
}

/**
 * The built manifests plus the trust-root Secret for their namespace, from the root in `dir`
 * (created there first unless present): what the cluster holds once the README's steps ran.
 */
export async function withTrustRootSecret(objects: readonly K8sObject[], dir: string): Promise<K8sObject[]> {
  await ensureTrustRoot(dir, DEFAULT_TRUST_DOMAIN);
  const namespace = objects.find((o) => o.kind === 'Namespace')?.metadata?.name ?? 'default';
  return [...objects, trustRootSecret(dir, namespace)];
}
