/**
 * Scenario (issue 6 acceptance): a state.redis component whose redisPassword comes from a
 * secretKeyRef in a secretstores.local.file store starts and works. A private redis-server with
 * --requirepass proves the password is really used; a wrong password stops start-up with a clear
 * error that does not show the password.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import {
  freePort,
  minidaprdBin,
  requireService,
  spawnProcess,
  startRedisServer,
  startSidecar,
  stopAll,
  tempDir,
  type Sidecar,
  type Spawned,
  type TempDir,
} from '@minidapr/testkit';

jest.setTimeout(30000);

const PASSWORD = `pw-${randomUUID()}`;
let redisPort = 0;
let redis: Spawned | undefined;
let up = false;
let files: TempDir;
let sidecar: Sidecar | undefined;

function resources(secretsFile: string): Record<string, string> {
  return {
    'localsecretstore.yaml': [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Component',
      'metadata: {name: localsecretstore}',
      'spec:',
      '  type: secretstores.local.file',
      '  version: v1',
      '  metadata:',
      `  - {name: secretsFile, value: ${JSON.stringify(secretsFile)}}`,
    ].join('\n'),
    'statestore.yaml': [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Component',
      'metadata: {name: statestore}',
      'spec:',
      '  type: state.redis',
      '  version: v1',
      '  metadata:',
      `  - {name: redisHost, value: "127.0.0.1:${redisPort}"}`,
      '  - name: redisPassword',
      '    secretKeyRef: {name: redisPassword, key: redisPassword}',
      '  - {name: dialTimeout, value: 2s}',
      'auth:',
      '  secretStore: localsecretstore',
    ].join('\n'),
  };
}

beforeAll(async () => {
  files = tempDir('minidapr-secrets-');
  files.write({ 'good.json': JSON.stringify({ redisPassword: PASSWORD }), 'bad.json': JSON.stringify({ redisPassword: 'wrong-password-123' }) });
  redisPort = await freePort();
  // When it cannot start (no binary), requireService below prints the SKIPPED line (a failure under CI=true).
  redis = await startRedisServer({ port: redisPort, password: PASSWORD, timeoutMs: 5000 }).catch(() => undefined);
  up = await requireService('a private redis-server (binary redis-server)', '127.0.0.1', redisPort);
});

afterAll(async () => {
  await sidecar?.stop();
  await redis?.stop();
  await stopAll();
  files?.remove();
});

it('starts with the password from the secret store, and saves and reads state', async () => {
  if (!up) return;
  sidecar = await startSidecar({ appId: 'secretsapp', resources: resources(join(files.path, 'good.json')) });
  const url = `${sidecar.url}/v1.0/state/statestore`;
  const save = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ key: 'order', value: { id: 7 } }]) });
  expect(save.status).toBe(204);
  const got = await fetch(`${url}/order`);
  expect(got.status).toBe(200);
  expect(await got.json()).toEqual({ id: 7 });
  // The data is really in the password-protected server.
  const client = new Redis({ host: '127.0.0.1', port: redisPort, password: PASSWORD, lazyConnect: true });
  try {
    await client.connect();
    expect(await client.exists('secretsapp||order')).toBe(1);
  } finally {
    client.disconnect();
  }
  expect(sidecar.process.output()).not.toContain(PASSWORD);
});

it('stops start-up with a clear error on a wrong password, without showing it', async () => {
  if (!up) return;
  const res = tempDir('minidapr-res-');
  const home = tempDir('minidapr-home-');
  res.write(resources(join(files.path, 'bad.json')));
  try {
    const args = [minidaprdBin(), '--app-id', 'secretsapp', '--dapr-http-port', String(await freePort()), '--dapr-grpc-port', String(await freePort()), '--resources-path', res.path];
    const p = spawnProcess(process.execPath, args, { env: { ...process.env, MINIDAPR_HOME: home.path } });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.output()).toMatch(new RegExp(`statestore\\.yaml: component "statestore" \\(state\\.redis/v1\\): .*error connecting to redis at 127\\.0\\.0\\.1:${redisPort} .*WRONGPASS`));
    expect(p.output()).not.toContain('wrong-password-123');
  } finally {
    res.remove();
    home.remove();
  }
});
