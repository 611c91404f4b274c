/**
 * Scenario: the secrets API through a real sidecar with a secretstores.local.file store (flattened
 * JSON) and a secretstores.local.env store, under a Configuration whose spec.secrets.scopes deny one
 * file secret and allow only listed env secrets. Also read through the official @dapr/dapr client.
 */
import { CommunicationProtocolEnum, DaprClient } from '@dapr/dapr';
import { componentYaml, startSidecar, stopAll, tempDir, type Sidecar, type TempDir } from '@minidapr/testkit';
import { join } from 'node:path';

jest.setTimeout(30000);

let files: TempDir;
let sidecar: Sidecar;

const get = (path: string) => fetch(`${sidecar.url}/v1.0/secrets/${path}`);
const json = async (r: Response) => (await r.json()) as unknown;

beforeAll(async () => {
  files = tempDir('minidapr-secrets-');
  files.write({
    'secrets.json': JSON.stringify({ redisPassword: 'pw1', db: { user: 'u', pass: 'p', hosts: ['h0'] } }),
    'config.yaml': [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Configuration',
      'metadata: {name: secretscopes}',
      'spec:',
      '  secrets:',
      '    scopes:',
      '    - {storeName: localsecretstore, defaultAccess: allow, deniedSecrets: ["db:pass"]}',
      '    - {storeName: envstore, defaultAccess: deny, allowedSecrets: [MINIDAPR_IT_SECRET, DAPR_IT_HIDDEN]}',
    ].join('\n'),
  });
  sidecar = await startSidecar({
    appId: 'secretsapp',
    args: ['--config', join(files.path, 'config.yaml')],
    env: { MINIDAPR_IT_SECRET: 'from-env', DAPR_IT_HIDDEN: 'never-shown', MINIDAPR_IT_OTHER: 'other' },
    resources: {
      'localsecretstore.yaml': componentYaml('localsecretstore', 'secretstores.local.file', { secretsFile: join(files.path, 'secrets.json') }),
      'envstore.yaml': componentYaml('envstore', 'secretstores.local.env'),
    },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
  files?.remove();
});

it('reads flattened secrets from the file store', async () => {
  const r = await get('localsecretstore/redisPassword');
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('application/json');
  expect(await json(r)).toEqual({ redisPassword: 'pw1' });
  expect(await json(await get('localsecretstore/db:user'))).toEqual({ 'db:user': 'u' });
  expect(await json(await get('localsecretstore/db%3Ahosts%3A0'))).toEqual({ 'db:hosts:0': 'h0' });
});

it('answers daprd errors: denied by scopes 403, missing secret 500, unknown store 401', async () => {
  const denied = await get('localsecretstore/db:pass');
  expect(denied.status).toBe(403);
  expect(await json(denied)).toEqual({ errorCode: 'ERR_PERMISSION_DENIED', message: 'access denied by policy to get "db:pass" from "localsecretstore"' });
  const missing = await get('localsecretstore/nope');
  expect(missing.status).toBe(500);
  expect(await json(missing)).toEqual({
    errorCode: 'ERR_SECRET_GET',
    message: 'failed getting secret with key nope from secret store localsecretstore: secret nope not found',
  });
  const unknown = await get('vault/x');
  expect(unknown.status).toBe(401);
  expect(await json(unknown)).toEqual({ errorCode: 'ERR_SECRET_STORE_NOT_FOUND', message: 'failed finding secret store with key vault' });
});

it('filters bulk results by the scopes', async () => {
  const r = await get('localsecretstore/bulk');
  expect(r.status).toBe(200);
  expect(await json(r)).toEqual({ redisPassword: { redisPassword: 'pw1' }, 'db:user': { 'db:user': 'u' }, 'db:hosts:0': { 'db:hosts:0': 'h0' } });
  // envstore: default deny, only the allowed names; DAPR_* is never exposed even when allowed.
  expect(await json(await get('envstore/bulk'))).toEqual({ MINIDAPR_IT_SECRET: { MINIDAPR_IT_SECRET: 'from-env' } });
});

it('reads env secrets; DAPR_* comes back empty and unlisted names are denied', async () => {
  expect(await json(await get('envstore/MINIDAPR_IT_SECRET'))).toEqual({ MINIDAPR_IT_SECRET: 'from-env' });
  const hidden = await get('envstore/DAPR_IT_HIDDEN');
  expect(hidden.status).toBe(200);
  expect(await json(hidden)).toEqual({ DAPR_IT_HIDDEN: '' });
  expect((await get('envstore/MINIDAPR_IT_OTHER')).status).toBe(403);
});

it('lists the stores in /v1.0/metadata and serves the official JS SDK', async () => {
  const meta = (await json(await fetch(`${sidecar.url}/v1.0/metadata`))) as { components: Array<{ name: string; type: string }> };
  expect(meta.components).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'localsecretstore', type: 'secretstores.local.file' }), expect.objectContaining({ name: 'envstore', type: 'secretstores.local.env' })]),
  );
  const client = new DaprClient({ daprHost: '127.0.0.1', daprPort: String(sidecar.httpPort), communicationProtocol: CommunicationProtocolEnum.HTTP, logger: { level: 0 } as never });
  expect(await client.secret.get('localsecretstore', 'redisPassword')).toEqual({ redisPassword: 'pw1' });
  expect(await client.secret.getBulk('localsecretstore')).toMatchObject({ 'db:user': { 'db:user': 'u' } });
  await client.stop();
});
