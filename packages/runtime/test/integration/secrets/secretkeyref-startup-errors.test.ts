/**
 * Scenario: components whose secretKeyRef cannot be resolved stop start-up (exit 1) with one message
 * per component naming the file, the component, the metadata field, the secret and the store:
 * no auth.secretStore, an unknown store, a missing secret, a missing key. No secret value is shown.
 */
import { freePort, minidaprdBin, spawnProcess, stopAll, tempDir } from '@minidapr/testkit';
import { join } from 'node:path';

jest.setTimeout(30000);

afterAll(async () => {
  await stopAll();
});

function state(name: string, secretName: string, key: string, store?: string): string {
  return [
    'apiVersion: dapr.io/v1alpha1',
    'kind: Component',
    `metadata: {name: ${name}}`,
    'spec:',
    '  type: state.in-memory',
    '  version: v1',
    '  metadata:',
    '  - name: password',
    `    secretKeyRef: {name: ${JSON.stringify(secretName)}, key: ${JSON.stringify(key)}}`,
    ...(store ? ['auth:', `  secretStore: ${store}`] : []),
  ].join('\n');
}

it('exits 1 naming file, component, field, secret and store for each unresolvable secretKeyRef', async () => {
  const home = tempDir('minidapr-home-');
  const res = tempDir('minidapr-res-');
  const files = tempDir('minidapr-secrets-');
  files.write({ 'secrets.json': JSON.stringify({ db: { user: 'u', pass: 'top-secret-value' } }) });
  res.write({
    'local.yaml': [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Component',
      'metadata: {name: local}',
      'spec:',
      '  type: secretstores.local.file',
      '  version: v1',
      '  metadata:',
      `  - {name: secretsFile, value: ${JSON.stringify(join(files.path, 'secrets.json'))}}`,
      '  - {name: multiValued, value: "true"}',
    ].join('\n'),
    'a-noauth.yaml': state('noauth', 'db', 'pass'),
    'b-nostore.yaml': state('nostore', 'db', 'pass', 'vault'),
    'c-nosecret.yaml': state('nosecret', 'cache', 'pass', 'local'),
    'd-nokey.yaml': state('nokey', 'db', 'password', 'local'),
    'e-ok.yaml': state('ok', 'db', 'pass', 'local'),
  });
  try {
    const args = [minidaprdBin(), '--app-id', 'secrets-errors', '--dapr-http-port', String(await freePort()), '--resources-path', res.path];
    const p = spawnProcess(process.execPath, args, { env: { ...process.env, MINIDAPR_HOME: home.path } });
    const { code } = await p.exited;
    expect(code).toBe(1);
    const out = p.output();
    const field = (n: string, secret: string, key: string) =>
      `${n}.yaml: component "${n.slice(2)}": metadata "password" (spec.metadata[0].secretKeyRef, secret "${secret}", key "${key}")`;
    expect(out).toContain(`${field('a-noauth', 'db', 'pass')}: the component has no auth.secretStore; in self-hosted mode there is no default secret store`);
    expect(out).toContain(`${field('b-nostore', 'db', 'pass')}: secret store "vault" (auth.secretStore) is not loaded; loaded secret stores: local`);
    expect(out).toContain(`${field('c-nosecret', 'cache', 'pass')}: cannot get secret "cache" from secret store "local": secret cache not found`);
    expect(out).toContain(`${field('d-nokey', 'db', 'password')}: secret "db" in secret store "local" has no key "password"; its keys: user, pass`);
    // The start-up error names only the failing components (state.in-memory's unknown "password"
    // field is warned about for each file before it).
    const failure = out.slice(out.indexOf('start-up failed'));
    expect(failure).toContain('d-nokey.yaml');
    expect(failure).not.toContain('e-ok.yaml');
    expect(out).not.toContain('top-secret-value');
  } finally {
    res.remove();
    home.remove();
    files.remove();
  }
});
