/**
 * Scenario (issue 15): the gRPC API of a real sidecar, driven by a plain @grpc/grpc-js client built
 * from the protos @dapr/dapr ships (no SDK in between). Every RPC of dapr.proto.runtime.v1.Dapr that
 * minidapr implements is called on its success path and on the error rows of the contract (status
 * code, message, google.rpc.Status details), `dapr-api-token` is enforced on every RPC, a deadline
 * ends a call with DEADLINE_EXCEEDED, and every other RPC answers UNIMPLEMENTED.
 */
import { join } from 'node:path';
import { credentials, makeGenericClientConstructor, Metadata, status, type CallOptions, type Client, type ServiceError } from '@grpc/grpc-js';
import { componentYaml, startApp, startSidecar, stopAll, tempDir, waitFor, type Sidecar, type TempDir, type TestApp } from '@minidapr/testkit';
import { DAPR_SERVICE, serviceDefinition } from '../../src/api/grpc/proto';
import { decodeDetail, decodeStatus } from '../../src/api/grpc/status';

jest.setTimeout(60000);

/** The RPCs minidapr serves; every other one of the service must answer UNIMPLEMENTED. */
const IMPLEMENTED = [
  'GetMetadata', 'SetMetadata', 'Shutdown',
  'GetState', 'GetBulkState', 'SaveState', 'DeleteState', 'DeleteBulkState', 'ExecuteStateTransaction', 'QueryStateAlpha1',
  'PublishEvent', 'BulkPublishEvent', 'BulkPublishEventAlpha1', 'SubscribeTopicEventsAlpha1',
  'InvokeBinding', 'GetSecret', 'GetBulkSecret', 'InvokeService',
];
const TOKEN = 'grpc-conformance-token';
/** common.v1.HTTPExtension.Verb */
const VERB = { GET: 1, POST: 3 } as const;

/** Decoded protobuf messages and grpc-js calls are untyped here: the test reads them field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Pb = any;
type Dyn = Client & Record<string, (...args: unknown[]) => Pb>;
const DaprClientCtor = makeGenericClientConstructor(serviceDefinition(DAPR_SERVICE), 'Dapr');

let files: TempDir;
let app: TestApp;
let main: Sidecar;
let bare: Sidecar;
let client: Dyn;
let bareClient: Dyn;

const connect = (port: number): Dyn => new DaprClientCtor(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as Dyn;

interface Answer<T> { res: T; headers: Metadata }

/** One unary call; resolves with the response and the response header metadata. */
function unary<T = Pb>(c: Dyn, rpc: string, req: unknown, md = new Metadata(), opts: CallOptions = {}): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    let headers = new Metadata();
    const call = c[rpc]!(req, md, opts, (err: ServiceError | null, res: T) => (err ? reject(err) : resolve({ res, headers })));
    call.on('metadata', (m: Metadata) => (headers = m));
  });
}

/** The ServiceError a call fails with (fails the test when the call succeeds). */
async function failure(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('the call succeeded, an error was expected');
}

/** The google.rpc.Status details of an error, decoded: [{type, ...fields}]. */
function details(err: ServiceError): Array<Record<string, unknown>> {
  const bin = err.metadata?.get('grpc-status-details-bin')[0];
  if (!bin) return [];
  const st = decodeStatus(Buffer.isBuffer(bin) ? bin : Buffer.from(bin));
  expect(st.code).toBe(err.code);
  return st.details.map((d) => ({ type: d.typeUrl.slice(d.typeUrl.lastIndexOf('/') + 1), ...decodeDetail(d) }));
}

const withToken = (token = TOKEN): Metadata => {
  const md = new Metadata();
  md.set('dapr-api-token', token);
  return md;
};

const delivered = (topic: string) =>
  app.received.filter((r) => r.url === `/${topic}`).map((r) => (JSON.parse(r.body.toString()) as { data: unknown }).data);

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

describe('metadata', () => {
  it('GetMetadata answers the app id, version, components and the app subscriptions', async () => {
    const { res } = await unary(client, 'GetMetadata', {});
    expect(res.id).toBe('grpc-conf');
    expect(res.runtimeVersion).toMatch(/\d+\.\d+\.\d+/);
    const names = (res.registeredComponents as Array<{ name: string; type: string }>).map((c) => `${c.name}:${c.type}`).sort();
    expect(names).toEqual(['files:bindings.localstorage', 'localsecrets:secretstores.local.file', 'pubsub:pubsub.in-memory', 'statestore:state.sqlite']);
    await waitFor('the app subscriptions in GetMetadata', async () => {
      const { res: again } = await unary(client, 'GetMetadata', {});
      return (again.subscriptions as Array<{ topic: string }>).some((s) => s.topic === 'orders');
    }, { timeoutMs: 10000 });
  });

  it('SetMetadata adds an extended attribute that GetMetadata reports', async () => {
    await unary(client, 'SetMetadata', { key: 'color', value: 'blue' });
    const { res } = await unary(client, 'GetMetadata', {});
    expect(res.extendedMetadata).toMatchObject({ color: 'blue' });
  });
});

describe('state', () => {
  const s = (key: string, value: string, extra: Record<string, unknown> = {}) => ({ key, value: Buffer.from(value), ...extra });

  it('SaveState, GetState with its etag, and optimistic concurrency (ABORTED, no details)', async () => {
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('k1', '"v1"')] });
    const first = (await unary(client, 'GetState', { storeName: 'statestore', key: 'k1' })).res;
    expect(Buffer.from(first.data).toString()).toBe('"v1"');
    expect(first.etag).not.toBe('');
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('k1', '"v2"', { etag: { value: first.etag }, options: { concurrency: 1 } })] });
    const stale = await failure(unary(client, 'SaveState', { storeName: 'statestore', states: [s('k1', '"v3"', { etag: { value: first.etag }, options: { concurrency: 1 } })] }));
    expect(stale.code).toBe(status.ABORTED);
    expect(stale.metadata.get('grpc-status-details-bin')).toEqual([]);
    const second = (await unary(client, 'GetState', { storeName: 'statestore', key: 'k1' })).res;
    expect(Buffer.from(second.data).toString()).toBe('"v2"');
    expect(second.etag).not.toBe(first.etag);
  });

  it('GetState of a missing key answers empty data and no etag', async () => {
    const { res } = await unary(client, 'GetState', { storeName: 'statestore', key: 'never-saved' });
    expect(Buffer.from(res.data).length).toBe(0);
    expect(res.etag).toBe('');
  });

  it('GetBulkState answers one item per key, a missing one without data', async () => {
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('b1', '1'), s('b2', '2')] });
    const { res } = await unary(client, 'GetBulkState', { storeName: 'statestore', keys: ['b1', 'b2', 'b-missing'], parallelism: 2 });
    const items = new Map((res.items as Array<{ key: string; data: Buffer; etag: string; error: string }>).map((i) => [i.key, i]));
    expect(Buffer.from(items.get('b1')!.data).toString()).toBe('1');
    expect(Buffer.from(items.get('b2')!.data).toString()).toBe('2');
    expect(items.get('b1')!.etag).not.toBe('');
    expect(Buffer.from(items.get('b-missing')!.data).length).toBe(0);
    expect(items.get('b-missing')!.error).toBe('');
  });

  it('DeleteState honours the etag (ABORTED on a stale one) and DeleteBulkState removes several keys', async () => {
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('d1', '1'), s('d2', '2'), s('d3', '3')] });
    const { etag } = (await unary(client, 'GetState', { storeName: 'statestore', key: 'd1' })).res;
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('d1', '11')] });
    const stale = await failure(unary(client, 'DeleteState', { storeName: 'statestore', key: 'd1', etag: { value: etag }, options: { concurrency: 1 } }));
    expect(stale.code).toBe(status.ABORTED);
    await unary(client, 'DeleteState', { storeName: 'statestore', key: 'd1' });
    await unary(client, 'DeleteBulkState', { storeName: 'statestore', states: [{ key: 'd2' }, { key: 'd3' }] });
    for (const key of ['d1', 'd2', 'd3']) {
      expect(Buffer.from((await unary(client, 'GetState', { storeName: 'statestore', key })).res.data).length).toBe(0);
    }
  });

  it('ExecuteStateTransaction applies upserts and deletes together; an unknown operation is UNIMPLEMENTED', async () => {
    await unary(client, 'SaveState', { storeName: 'statestore', states: [s('t-old', '0')] });
    await unary(client, 'ExecuteStateTransaction', {
      storeName: 'statestore',
      operations: [
        { operationType: 'upsert', request: s('t1', '"one"') },
        { operationType: 'upsert', request: s('t2', '"two"') },
        { operationType: 'delete', request: { key: 't-old' } },
      ],
    });
    const { res } = await unary(client, 'GetBulkState', { storeName: 'statestore', keys: ['t1', 't2', 't-old'] });
    const data = Object.fromEntries((res.items as Array<{ key: string; data: Buffer }>).map((i) => [i.key, Buffer.from(i.data).toString()]));
    expect(data).toEqual({ t1: '"one"', t2: '"two"', 't-old': '' });
    const bad = await failure(unary(client, 'ExecuteStateTransaction', { storeName: 'statestore', operations: [{ operationType: 'merge', request: s('t3', '3') }] }));
    expect(bad.code).toBe(status.UNIMPLEMENTED);
  });

  it('QueryStateAlpha1 filters JSON values', async () => {
    await unary(client, 'SaveState', {
      storeName: 'statestore',
      states: [s('q1', JSON.stringify({ city: 'Seattle', n: 1 })), s('q2', JSON.stringify({ city: 'Austin', n: 2 }))],
    });
    const { res } = await unary(client, 'QueryStateAlpha1', { storeName: 'statestore', query: JSON.stringify({ filter: { EQ: { city: 'Seattle' } } }) });
    const results = res.results as Array<{ key: string; data: Buffer }>;
    expect(results.map((r) => r.key)).toEqual(['q1']);
    expect(JSON.parse(Buffer.from(results[0]!.data).toString())).toEqual({ city: 'Seattle', n: 1 });
  });

  it('an unknown store is INVALID_ARGUMENT with ErrorInfo DAPR_STATE_NOT_FOUND and no ResourceInfo', async () => {
    const err = await failure(unary(client, 'GetState', { storeName: 'nostore', key: 'k' }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const d = details(err);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'DAPR_STATE_NOT_FOUND', domain: 'dapr.io' });
    expect((d[0]!.metadata as Record<string, string>).appID).toBe('grpc-conf');
  });

  it('an illegal key is INVALID_ARGUMENT with ErrorInfo, ResourceInfo and a BadRequest field violation', async () => {
    const err = await failure(unary(client, 'SaveState', { storeName: 'statestore', states: [s('a||b', '1')] }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const d = details(err);
    expect(d.map((x) => x.type)).toEqual(['google.rpc.ErrorInfo', 'google.rpc.ResourceInfo', 'google.rpc.BadRequest']);
    expect(d[0]).toMatchObject({ reason: 'DAPR_STATE_ILLEGAL_KEY', domain: 'dapr.io' });
    expect(d[1]).toMatchObject({ resourceType: 'state', resourceName: 'statestore', owner: '' });
    expect((d[2]!.fieldViolations as unknown[]).length).toBe(1);
  });

  it('no state store at all is FAILED_PRECONDITION with ErrorInfo DAPR_STATE_NOT_CONFIGURED', async () => {
    const err = await failure(unary(bareClient, 'GetState', { storeName: 'statestore', key: 'k' }, withToken()));
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(details(err)[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'DAPR_STATE_NOT_CONFIGURED', domain: 'dapr.io' });
  });
});

describe('pub/sub', () => {
  it('PublishEvent delivers a CloudEvent with the data to the subscribed app', async () => {
    await unary(client, 'PublishEvent', { pubsubName: 'pubsub', topic: 'orders', data: Buffer.from('{"orderId":1}'), dataContentType: 'application/json' });
    await waitFor('the published order at the app', async () => delivered('orders').length >= 1, { timeoutMs: 10000 });
    expect(delivered('orders')).toEqual([{ orderId: 1 }]);
  });

  it.each([['BulkPublishEvent', 'bulk'], ['BulkPublishEventAlpha1', 'bulkalpha']])('%s publishes every entry, failedEntries empty', async (rpc, topic) => {
    const entries = [1, 2, 3].map((n) => ({ entryId: `e${n}`, event: Buffer.from(JSON.stringify({ orderId: n })), contentType: 'application/json' }));
    const { res } = await unary(client, rpc, { pubsubName: 'pubsub', topic, entries });
    expect(res.failedEntries).toEqual([]);
    await waitFor(`three events on ${topic}`, async () => delivered(topic).length >= 3, { timeoutMs: 10000 });
    expect(delivered(topic).map((d) => (d as { orderId: number }).orderId).sort()).toEqual([1, 2, 3]);
  });

  it('an unknown pub/sub is INVALID_ARGUMENT with ErrorInfo DAPR_PUBSUB_NOT_FOUND, the same details as over HTTP', async () => {
    const err = await failure(unary(client, 'PublishEvent', { pubsubName: 'nopubsub', topic: 'orders', data: Buffer.from('1') }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    const d = details(err);
    expect(d[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'DAPR_PUBSUB_NOT_FOUND', domain: 'dapr.io' });
    // Contract §2.2: the detail list is exactly the HTTP body's `details` (same types, same order).
    const r = await fetch(`${main.url}/v1.0/publish/nopubsub/orders`, { method: 'POST', body: '1' });
    const body = (await r.json()) as { details?: Array<{ '@type': string }> };
    expect(d.map((x) => x.type)).toEqual((body.details ?? []).map((x) => x['@type'].slice(x['@type'].lastIndexOf('/') + 1)));
  });

  it('an empty topic is INVALID_ARGUMENT with ErrorInfo DAPR_PUBSUB_TOPIC_NAME_EMPTY', async () => {
    const err = await failure(unary(client, 'PublishEvent', { pubsubName: 'pubsub', topic: '', data: Buffer.from('1') }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(details(err)[0]).toMatchObject({ reason: 'DAPR_PUBSUB_TOPIC_NAME_EMPTY' });
  });

  it('no pub/sub at all is FAILED_PRECONDITION with ErrorInfo DAPR_PUBSUB_NOT_CONFIGURED', async () => {
    const err = await failure(unary(bareClient, 'PublishEvent', { pubsubName: 'pubsub', topic: 'orders', data: Buffer.from('1') }, withToken()));
    expect(err.code).toBe(status.FAILED_PRECONDITION);
    expect(details(err)[0]).toMatchObject({ reason: 'DAPR_PUBSUB_NOT_CONFIGURED' });
  });

  it('SubscribeTopicEventsAlpha1: initial request, initial response, events, acknowledgements', async () => {
    const stream = client['SubscribeTopicEventsAlpha1']!(new Metadata());
    const received: Array<Record<string, Pb>> = [];
    stream.on('data', (m: Record<string, Pb>) => received.push(m));
    stream.on('error', () => undefined);
    stream.write({ initialRequest: { pubsubName: 'pubsub', topic: 'streamed', metadata: {} } });
    await waitFor('the initial response', async () => received.some((m) => m.initialResponse), { timeoutMs: 10000 });
    await waitFor('STREAMING in GetMetadata', async () => {
      const { res } = await unary(client, 'GetMetadata', {});
      return (res.subscriptions as Array<{ topic: string }>).some((x) => x.topic === 'streamed');
    }, { timeoutMs: 5000 });
    await unary(client, 'PublishEvent', { pubsubName: 'pubsub', topic: 'streamed', data: Buffer.from('{"n":7}'), dataContentType: 'application/json' });
    await waitFor('the streamed event', async () => received.some((m) => m.eventMessage), { timeoutMs: 10000 });
    const event = received.find((m) => m.eventMessage)!.eventMessage as { id: string; topic: string; pubsubName: string; data: Buffer };
    expect(event).toMatchObject({ topic: 'streamed', pubsubName: 'pubsub' });
    expect(JSON.parse(Buffer.from(event.data).toString())).toEqual({ n: 7 });
    stream.write({ eventProcessed: { id: event.id, status: { status: 0 } } });
    stream.end();
    stream.cancel();
  });

  it('SubscribeTopicEventsAlpha1 without an initial request first is UNKNOWN', async () => {
    const stream = client['SubscribeTopicEventsAlpha1']!(new Metadata());
    const err = await new Promise<ServiceError>((resolve) => {
      stream.on('data', () => undefined);
      stream.on('error', resolve);
      stream.write({ eventProcessed: { id: 'x', status: { status: 0 } } });
    });
    expect(err.code).toBe(status.UNKNOWN);
    expect(err.details).toContain('initial request is required');
  });
});

describe('bindings and secrets', () => {
  it('InvokeBinding writes and reads a file through bindings.localstorage', async () => {
    await unary(client, 'InvokeBinding', { name: 'files', operation: 'create', data: Buffer.from('hello'), metadata: { fileName: 'a.txt' } });
    const { res } = await unary(client, 'InvokeBinding', { name: 'files', operation: 'get', metadata: { fileName: 'a.txt' } });
    expect(Buffer.from(res.data).toString()).toBe('hello');
  });

  it('InvokeBinding of an unknown binding is INTERNAL', async () => {
    const err = await failure(unary(client, 'InvokeBinding', { name: 'nobinding', operation: 'create', data: Buffer.from('x') }));
    expect(err.code).toBe(status.INTERNAL);
  });

  it('GetSecret and GetBulkSecret read the file store', async () => {
    expect((await unary(client, 'GetSecret', { storeName: 'localsecrets', key: 'dbPassword' })).res.data).toEqual({ dbPassword: 'pw1' });
    const { res } = await unary(client, 'GetBulkSecret', { storeName: 'localsecrets' });
    expect(res.data).toEqual({ dbPassword: { secrets: { dbPassword: 'pw1' } }, apiKey: { secrets: { apiKey: 'k1' } } });
  });

  it('an unknown secret store is INVALID_ARGUMENT; none configured is FAILED_PRECONDITION', async () => {
    expect((await failure(unary(client, 'GetSecret', { storeName: 'nostore', key: 'k' }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await failure(unary(bareClient, 'GetSecret', { storeName: 'localsecrets', key: 'k' }, withToken()))).code).toBe(status.FAILED_PRECONDITION);
  });
});

describe('service invocation', () => {
  it('InvokeService calls the HTTP app with verb, query, content type and body', async () => {
    const { res, headers } = await unary(client, 'InvokeService', {
      id: 'grpc-conf',
      message: { method: 'neworder', data: { typeUrl: '', value: Buffer.from('{"orderId":5}') }, contentType: 'application/json', httpExtension: { verb: VERB.POST, querystring: 'a=1' } },
    });
    expect(JSON.parse(Buffer.from(res.data.value).toString())).toEqual({ method: 'POST', url: '/neworder?a=1', body: '{"orderId":5}' });
    expect(res.contentType).toBe('application/json');
    expect(headers.get('dapr-http-status')).toEqual(['200']);
    expect(app.received.at(-1)?.headers['content-type']).toBe('application/json');
  });

  it('a non-2xx answer of an HTTP app becomes the mapped code with an ErrorInfo (400 -> INTERNAL)', async () => {
    const err = await failure(unary(client, 'InvokeService', { id: 'grpc-conf', message: { method: 'bad', httpExtension: { verb: VERB.GET } } }));
    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toBe('Bad Request');
    expect(details(err)[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'Bad Request', domain: 'dapr.io', metadata: { 'http.code': '400', 'http.error_message': 'no such order' } });
  });

  it('an app id nobody serves is INTERNAL "fail to invoke"', async () => {
    const err = await failure(unary(client, 'InvokeService', { id: 'nobody', message: { method: 'x', httpExtension: { verb: VERB.GET } } }));
    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toContain('fail to invoke, id: nobody');
  });

  it('a deadline shorter than the app ends the call with DEADLINE_EXCEEDED', async () => {
    const started = Date.now();
    const err = await failure(unary(client, 'InvokeService', { id: 'grpc-conf', message: { method: 'slow', httpExtension: { verb: VERB.GET } } }, new Metadata(), { deadline: Date.now() + 300 }));
    expect(err.code).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

describe('API token', () => {
  it.each([
    ['missing', new Metadata(), 'missing api token in request metadata'],
    ['wrong', withToken('not-the-token'), 'authentication error: api token mismatch'],
  ])('a %s token is UNAUTHENTICATED with the daprd ErrorInfo', async (_what, md, text) => {
    const err = await failure(unary(bareClient, 'GetMetadata', {}, md));
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect(err.details).toBe('Unauthorized');
    expect(details(err)[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'Unauthorized', domain: 'dapr.io', metadata: { 'http.code': '401', 'http.error_message': text } });
  });

  it.each(IMPLEMENTED.filter((r) => r !== 'SubscribeTopicEventsAlpha1' && r !== 'Shutdown'))('%s needs the token', async (rpc) => {
    expect((await failure(unary(bareClient, rpc, {}, new Metadata()))).code).toBe(status.UNAUTHENTICATED);
  });

  it('the right token is let through', async () => {
    expect((await unary(bareClient, 'GetMetadata', {}, withToken())).res.id).toBe('grpc-bare');
  });
});

describe('not implemented', () => {
  const def = serviceDefinition(DAPR_SERVICE) as unknown as Record<string, { requestStream: boolean; responseStream: boolean }>;
  const others = Object.keys(def).filter((rpc) => !IMPLEMENTED.includes(rpc) && /^[A-Z]/.test(rpc));

  /** Calls an RPC of any shape with an empty request and resolves with its final status. */
  function finalStatus(rpc: string): Promise<ServiceError | null> {
    const { requestStream, responseStream } = def[rpc]!;
    return new Promise((resolve) => {
      const done = (err: ServiceError | null) => resolve(err);
      if (!requestStream && !responseStream) client[rpc]!({}, new Metadata(), {}, done);
      else if (requestStream && !responseStream) client[rpc]!(new Metadata(), {}, done).end();
      else {
        const call = requestStream ? client[rpc]!(new Metadata()) : client[rpc]!({}, new Metadata());
        call.on('data', () => undefined);
        call.on('error', done);
        call.on('status', (st: { code: number }) => st.code === status.OK && resolve(null));
        if (requestStream) call.end();
      }
    });
  }

  it('the service has the RPCs the contract names', () => {
    for (const rpc of IMPLEMENTED) expect(def[rpc]).toBeDefined();
    expect(others.length).toBeGreaterThan(30);
  });

  it('every other Dapr RPC answers UNIMPLEMENTED', async () => {
    const answers: Record<string, number | string> = {};
    for (const rpc of others) {
      const err = await finalStatus(rpc);
      answers[rpc] = err ? err.code : 'OK';
    }
    expect(answers).toEqual(Object.fromEntries(others.map((rpc) => [rpc, status.UNIMPLEMENTED])));
  });
});

describe('Shutdown', () => {
  it('stops the sidecar process', async () => {
    await unary(bareClient, 'Shutdown', {}, withToken());
    const { child } = bare.process;
    await waitFor('the sidecar to exit', async () => child.exitCode !== null || child.signalCode !== null, { timeoutMs: 15000 });
  });
});
