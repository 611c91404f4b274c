/**
 * @module test/support/grpc-conformance
 * The gRPC API conformance scenarios' fixture (test/integration/grpc-conformance-*): a plain
 * grpc-js client of dapr.proto.runtime.v1.Dapr built from the protos (no SDK in between), two
 * sidecars (one with state, pub/sub, binding and secret components in front of an HTTP app; one
 * bare, with an API token), and helpers to read a call's answer or its error details.
 */
import { join } from 'node:path';
import { credentials, makeGenericClientConstructor, Metadata, type CallOptions, type Client, type ServiceError } from '@grpc/grpc-js';
import { componentYaml, startApp, startSidecar, stopAll, tempDir, type Sidecar, type TempDir, type TestApp } from '@minidapr/testkit';
import { DAPR_SERVICE, serviceDefinition } from '../../src/api/grpc/proto';
import { decodeDetail, decodeStatus } from '../../src/api/grpc/status';


/** The RPCs minidapr serves; every other one of the service must answer UNIMPLEMENTED. */
export const IMPLEMENTED = [
  'GetMetadata', 'SetMetadata', 'Shutdown',
  'GetState', 'GetBulkState', 'SaveState', 'DeleteState', 'DeleteBulkState', 'ExecuteStateTransaction', 'QueryStateAlpha1',
  'PublishEvent', 'BulkPublishEvent', 'BulkPublishEventAlpha1', 'SubscribeTopicEventsAlpha1',
  'InvokeBinding', 'GetSecret', 'GetBulkSecret', 'InvokeService',
];
export const TOKEN = 'grpc-conformance-token';
/** common.v1.HTTPExtension.Verb */
export const VERB = { GET: 1, POST: 3 } as const;

/** Decoded protobuf messages and grpc-js calls are untyped here: the test reads them field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Pb = any;
export type Dyn = Client & Record<string, (...args: unknown[]) => Pb>;
const DaprClientCtor = makeGenericClientConstructor(serviceDefinition(DAPR_SERVICE), 'Dapr');

export let files: TempDir;
export let app: TestApp;
export let main: Sidecar;
export let bare: Sidecar;
export let client: Dyn;
export let bareClient: Dyn;

const connect = (port: number): Dyn => new DaprClientCtor(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as Dyn;

export interface Answer<T> { res: T; headers: Metadata }

/** One unary call; resolves with the response and the response header metadata. */
export function unary<T = Pb>(c: Dyn, rpc: string, req: unknown, md = new Metadata(), opts: CallOptions = {}): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    let headers = new Metadata();
    const call = c[rpc]!(req, md, opts, (err: ServiceError | null, res: T) => (err ? reject(err) : resolve({ res, headers })));
    call.on('metadata', (m: Metadata) => (headers = m));
  });
}

/** The ServiceError a call fails with (fails the test when the call succeeds). */
export async function failure(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('the call succeeded, an error was expected');
}

/** The google.rpc.Status details of an error, decoded: [{type, ...fields}]. */
export function details(err: ServiceError): Array<Record<string, unknown>> {
  const bin = err.metadata?.get('grpc-status-details-bin')[0];
  if (!bin) return [];
  const st = decodeStatus(Buffer.isBuffer(bin) ? bin : Buffer.from(bin));
  expect(st.code).toBe(err.code);
  return st.details.map((d) => ({ type: d.typeUrl.slice(d.typeUrl.lastIndexOf('/') + 1), ...decodeDetail(d) }));
}

export const withToken = (token = TOKEN): Metadata => {
  const md = new Metadata();
  md.set('dapr-api-token', token);
  return md;
};

export const delivered = (topic: string) =>
  app.received.filter((r) => r.url === `/${topic}`).map((r) => (JSON.parse(r.body.toString()) as { data: unknown }).data);

/** Starts the app and both sidecars before the file's tests and stops them after. */
export function useConformanceSidecars(): void {
  beforeAll(async () => {
    files = tempDir('minidapr-grpc-conf-');
    files.write({ 'secrets.json': JSON.stringify({ dbPassword: 'pw1', apiKey: 'k1' }) });
    const json = { 'content-type': 'application/json' } as Record<string, string>;
    app = await startApp(async (r) => {
      if (r.method === 'GET' && r.url === '/dapr/subscribe') {
        return {
          headers: json,
          body: JSON.stringify(['orders', 'bulk', 'bulkalpha'].map((topic) => ({ pubsubname: 'pubsub', topic, route: `/${topic}` }))),
        };
      }
      if (r.url.startsWith('/slow')) await new Promise((resolve) => setTimeout(resolve, 3000));
      if (r.url.startsWith('/bad')) return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'no such order' };
      if (['/orders', '/bulk', '/bulkalpha'].includes(r.url)) return { headers: json, body: '{"status":"SUCCESS"}' };
      return { headers: { ...json, 'x-app': 'yes' }, body: JSON.stringify({ method: r.method, url: r.url, body: r.body.toString() }) };
    });
    main = await startSidecar({
      appId: 'grpc-conf',
      appPort: app.port,
      resources: {
        'statestore.yaml': componentYaml('statestore', 'state.sqlite', { connectionString: join(files.path, 'state.db') }),
        'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory'),
        'files.yaml': componentYaml('files', 'bindings.localstorage', { rootPath: join(files.path, 'files') }),
        'secrets.yaml': componentYaml('localsecrets', 'secretstores.local.file', { secretsFile: join(files.path, 'secrets.json') }),
      },
    });
    // No components, and an API token: the "not configured" rows and the token checks.
    bare = await startSidecar({ appId: 'grpc-bare', env: { DAPR_API_TOKEN: TOKEN } });
    client = connect(main.grpcPort);
    bareClient = connect(bare.grpcPort);
  });

  afterAll(async () => {
    client?.close();
    bareClient?.close();
    await Promise.all([main?.stop(), bare?.stop()]);
    await app?.close();
    await stopAll();
    files?.remove();
  });
}
