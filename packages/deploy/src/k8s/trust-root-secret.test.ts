import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import { materialiseMounts, type FullContainer } from './container-run';
import type { K8sObject } from './kustomize';
import { TRUST_ROOT_SECRET, withTrustRootSecret } from './trust-root-secret';

it('adds the Secret kubectl create secret --from-file would make, in the manifests namespace, and the sidecar mount gets the three files', async () => {
  const dir = tempDir('minidapr-trust-secret-');
  try {
    const ns: K8sObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } };
    const objects = await withTrustRootSecret([ns], join(dir.path, 'certs'));
    const secret = objects[1] as K8sObject & { data: Record<string, string> };
    expect(secret).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: TRUST_ROOT_SECRET, namespace: 'shop' } });
    expect(Object.keys(secret.data).sort()).toEqual(['ca.crt', 'issuer.crt', 'issuer.key']);

    const c: FullContainer = { name: 'daprd', volumeMounts: [{ name: 'trust-root', mountPath: '/certs' }] };
    const pod = { namespace: 'shop', name: 'cart-0', ip: '10.0.0.1' };
    const [mount] = materialiseMounts(objects, pod, [{ name: 'trust-root', secret: { secretName: TRUST_ROOT_SECRET } }], c, join(dir.path, 'pod'));
    for (const f of ['ca.crt', 'issuer.crt', 'issuer.key']) {
      expect(readFileSync(join(mount?.local as string, f), 'utf8')).toBe(readFileSync(join(dir.path, 'certs', f), 'utf8'));
    }
    // A second call keeps the root: the same Secret.
    expect((await withTrustRootSecret([ns], join(dir.path, 'certs')))[1]).toEqual(secret);
  } finally {
    dir.remove();
  }
});
