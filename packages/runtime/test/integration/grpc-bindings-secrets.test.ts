/**
 * Scenario (issue 15): output bindings and secrets over gRPC against a spawned sidecar with
 * bindings.localstorage, bindings.http (aimed at a local echo app), a secretstores.local.file store
 * under Configuration secret scopes and a secretstores.local.env store. A plain grpc-js client checks
 * data/metadata both ways and every error code; a sidecar without secret stores answers
 * FAILED_PRECONDITION. Then the official @dapr/dapr client in gRPC mode sends to a binding and reads
 * secrets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { CommunicationProtocolEnum, DaprClient } from '@dapr/dapr';
import { componentYaml, startApp, startSidecar, stopAll, tempDir, type Sidecar, type TempDir, type TestApp } from '@minidapr/testkit';
import { daprGrpcClient, type DaprGrpcClient } from '../support/grpc';

jest.setTimeout(60000);

/** What the SDK's gRPC binding.send() resolves (typed `object` by the SDK). */
interface SentBinding {
  data: Uint8Array;
  metadata: Record<string, string>;
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

let dir: TempDir;
let web: TestApp;
let sidecar: Sidecar;
let bare: Sidecar;
let grpc: DaprGrpcClient;
let sdk: DaprClient;

beforeAll(async () => {
  dir = tempDir('minidapr-grpc-bs-');
  dir.write({
    'secrets.json': JSON.stringify({ redisPassword: 'pw1', db: { user: 'u', pass: 'p' } }),
    'config.yaml': [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Configuration',
      'metadata: {name: secretscopes}',
      'spec:',
      '  secrets:',
      '    scopes:',
      '    - {storeName: localsecretstore, defaultAccess: allow, deniedSecrets: ["db:pass"]}',
      '    - {storeName: envstore, defaultAccess: deny, allowedSecrets: [MINIDAPR_GRPC_IT_SECRET]}',
    ].join('\n'),
  });
  web = await startApp((r) => ({ headers: { 'content-type': 'application/json', 'x-echo': 'yes' }, body: JSON.stringify({ method: r.method, url: r.url, body: r.body.toString(), traceparent: r.headers.traceparent ?? '' }) }));
  [sidecar, bare] = await Promise.all([
    startSidecar({
      appId: 'bsapp',
      args: ['--config', join(dir.path, 'config.yaml')],
      env: { MINIDAPR_GRPC_IT_SECRET: 'from-env', MINIDAPR_GRPC_IT_OTHER: 'other' },
      resources: {
        'files.yaml': componentYaml('files', 'bindings.localstorage', { rootPath: join(dir.path, 'files') }),
        'web.yaml': componentYaml('web', 'bindings.http', { url: `http://127.0.0.1:${web.port}` }),
        'localsecretstore.yaml': componentYaml('localsecretstore', 'secretstores.local.file', { secretsFile: join(dir.path, 'secrets.json') }),
        'envstore.yaml': componentYaml('envstore', 'secretstores.local.env'),
      },
    }),
    startSidecar({ appId: 'bare' }),
  ]);
  grpc = daprGrpcClient(`127.0.0.1:${sidecar.grpcPort}`);
  sdk = new DaprClient({ daprHost: '127.0.0.1', daprPort: String(sidecar.grpcPort), communicationProtocol: CommunicationProtocolEnum.GRPC, logger: { level: 0 } as never });
  await sdk.start();
});

afterAll(async () => {
  grpc?.close();
  await sdk?.stop();
  await Promise.all([sidecar?.stop(), bare?.stop()]);
  await web?.close();
  await stopAll();
  dir?.remove();
});

describe('InvokeBinding (plain grpc-js client)', () => {
  it('passes the bytes as sent and answers the component data', async () => {
    const created = await grpc.call('InvokeBinding', { name: 'files', operation: 'create', data: Buffer.from('hello grpc'), metadata: { fileName: 'a/hello.txt' } });
    expect(created.err).toBeUndefined();
    expect(JSON.parse(created.res.data.toString())).toEqual({ fileName: 'a/hello.txt' });
    expect(readFileSync(join(dir.path, 'files', 'a/hello.txt'), 'utf8')).toBe('hello grpc');
    const got = await grpc.call('InvokeBinding', { name: 'files', operation: 'get', metadata: { fileName: 'a/hello.txt' } });
    expect(got.res.data.toString()).toBe('hello grpc');
    const deleted = await grpc.call('InvokeBinding', { name: 'files', operation: 'delete', metadata: { fileName: 'a/hello.txt' } });
    expect(deleted.res).toEqual({ data: Buffer.alloc(0), metadata: {} });
  });

  it('answers the component metadata; the caller trace context reaches the target', async () => {
    const r = await grpc.call('InvokeBinding', { name: 'web', operation: 'post', data: Buffer.from('{"x":1}'), metadata: { path: '/orders' } }, { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` });
    expect(r.err).toBeUndefined();
    expect(r.res.metadata).toMatchObject({ statusCode: '200', 'X-Echo': 'yes' });
    expect(r.headers?.get('metadata.statuscode')).toEqual(['200']);
    expect(r.headers?.get('metadata.x-echo')).toEqual(['yes']);
    const echoed = JSON.parse(r.res.data.toString()) as { method: string; url: string; body: string; traceparent: string };
    expect(echoed).toMatchObject({ method: 'POST', url: '/orders', body: '{"x":1}' });
    expect(echoed.traceparent).toContain(TRACE_ID);
  });

  it('errors: unknown binding, missing and unsupported operation, component failure are INTERNAL without details', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'nope', operation: 'create' }, 'error invoking output binding nope: '],
      [{ name: 'files', operation: '' }, 'error invoking output binding files: '],
      [{ name: 'files', operation: 'merge' }, 'error invoking output binding files: '],
      [{ name: 'files', operation: 'get', metadata: { fileName: 'missing.txt' } }, 'error invoking output binding files: '],
    ];
    for (const [req, prefix] of cases) {
      const r = await grpc.call('InvokeBinding', req);
      expect([req, r.err?.code, r.err?.details]).toEqual([req, status.INTERNAL, []]);
      expect(r.err?.message.startsWith(prefix)).toBe(true);
    }
  });
});

describe('GetSecret / GetBulkSecret (plain grpc-js client)', () => {
  it('reads one secret and the bulk answer filtered by the scopes', async () => {
    expect((await grpc.call('GetSecret', { storeName: 'localsecretstore', key: 'redisPassword' })).res).toEqual({ data: { redisPassword: 'pw1' } });
    expect((await grpc.call('GetSecret', { storeName: 'envstore', key: 'MINIDAPR_GRPC_IT_SECRET' })).res).toEqual({ data: { MINIDAPR_GRPC_IT_SECRET: 'from-env' } });
    const bulk = await grpc.call('GetBulkSecret', { storeName: 'localsecretstore' });
    expect(bulk.res).toEqual({ data: { redisPassword: { secrets: { redisPassword: 'pw1' } }, 'db:user': { secrets: { 'db:user': 'u' } } } });
    expect((await grpc.call('GetBulkSecret', { storeName: 'envstore' })).res).toEqual({ data: { MINIDAPR_GRPC_IT_SECRET: { secrets: { MINIDAPR_GRPC_IT_SECRET: 'from-env' } } } });
  });

  it('errors: denied PERMISSION_DENIED, missing INTERNAL, unknown store INVALID_ARGUMENT (plain statuses)', async () => {
    const denied = await grpc.call('GetSecret', { storeName: 'localsecretstore', key: 'db:pass' });
    expect(denied.err).toEqual({ code: status.PERMISSION_DENIED, message: 'access denied by policy to get "db:pass" from "localsecretstore"', details: [], detailTypes: [] });
    const env = await grpc.call('GetSecret', { storeName: 'envstore', key: 'MINIDAPR_GRPC_IT_OTHER' });
    expect(env.err?.code).toBe(status.PERMISSION_DENIED);
    const missing = await grpc.call('GetSecret', { storeName: 'localsecretstore', key: 'nope' });
    expect(missing.err).toMatchObject({ code: status.INTERNAL, message: 'failed getting secret with key nope from secret store localsecretstore: secret nope not found', details: [] });
    for (const rpc of ['GetSecret', 'GetBulkSecret']) {
      const r = await grpc.call(rpc, { storeName: 'vault', key: 'x' });
      expect([rpc, r.err?.code, r.err?.message, r.err?.details]).toEqual([rpc, status.INVALID_ARGUMENT, 'failed finding secret store with key vault', []]);
    }
  });

  it('no secret store at all: FAILED_PRECONDITION', async () => {
    const c = daprGrpcClient(`127.0.0.1:${bare.grpcPort}`);
    try {
      for (const rpc of ['GetSecret', 'GetBulkSecret']) {
        const r = await c.call(rpc, { storeName: 'localsecretstore', key: 'x' });
        expect([rpc, r.err?.code, r.err?.message]).toEqual([rpc, status.FAILED_PRECONDITION, 'secret store is not configured']);
      }
    } finally {
      c.close();
    }
  });
});

describe('official SDK client in gRPC mode', () => {
  it('client.binding.send() writes and reads a file', async () => {
    const created = (await sdk.binding.send('files', 'create', 'from the sdk', { fileName: 'sdk.txt' })) as SentBinding;
    expect(JSON.parse(Buffer.from(created.data).toString())).toEqual({ fileName: 'sdk.txt' });
    expect(readFileSync(join(dir.path, 'files', 'sdk.txt'), 'utf8')).toBe('from the sdk');
    const got = (await sdk.binding.send('web', 'post', { hello: 'web' }, { path: '/sdk' })) as SentBinding;
    expect(got.metadata).toMatchObject({ statusCode: '200' });
    expect(JSON.parse(Buffer.from(got.data).toString())).toMatchObject({ url: '/sdk', body: '{"hello":"web"}' });
  });

  it('client.secret.get() and getBulk()', async () => {
    expect(await sdk.secret.get('localsecretstore', 'db:user')).toEqual({ 'db:user': 'u' });
    expect(await sdk.secret.getBulk('localsecretstore')).toEqual({ redisPassword: { redisPassword: 'pw1' }, 'db:user': { 'db:user': 'u' } });
    await expect(sdk.secret.get('localsecretstore', 'db:pass')).rejects.toThrow(/access denied by policy/);
  });
});
