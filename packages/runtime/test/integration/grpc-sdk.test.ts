/**
 * Scenario (issue 15): the official @dapr/dapr SDK in gRPC mode, client and server, against real
 * sidecars: the scenarios the HTTP SDK quickstarts cover (state with etags and transactions,
 * publish/subscribe incl. bulk, output and input bindings, secrets, invocation both ways,
 * metadata). Topology: `sdk-grpc-app` is a DaprServer (gRPC, --app-protocol grpc) behind its
 * sidecar; `sdk-http-app` is a plain HTTP app behind a second sidecar; both share one home so they
 * find each other.
 */
import { join } from 'node:path';
import { CommunicationProtocolEnum, DaprClient, DaprServer, HttpMethod, LogLevel, StateConcurrencyEnum, StateConsistencyEnum } from '@dapr/dapr';
import { componentYaml, freePort, startApp, startSidecar, stopAll, tempDir, waitFor, waitForSidecar, type Sidecar, type TempDir, type TestApp } from '@minidapr/testkit';

jest.setTimeout(60000);

const HOST = '127.0.0.1';
const quiet = { level: LogLevel.Error };

let dir: TempDir;
let grpcSidecar: Sidecar;
let httpSidecar: Sidecar;
let httpApp: TestApp;
let server: DaprServer;
let client: DaprClient;
/** A gRPC client of the HTTP app's sidecar (invocation towards the gRPC app). */
let callerClient: DaprClient;

const orders: unknown[] = [];
const bulkOrders: unknown[] = [];
const ticks: unknown[] = [];
const invocations: Array<{ body?: string; query?: string }> = [];

const grpcClient = (port: number) =>
  new DaprClient({ daprHost: HOST, daprPort: String(port), communicationProtocol: CommunicationProtocolEnum.GRPC, logger: quiet });

beforeAll(async () => {
  dir = tempDir('minidapr-grpc-sdk-');
  dir.write({ 'secrets.json': JSON.stringify({ dbPassword: 'pw1', apiKey: 'k1' }) });
  const home = join(dir.path, 'home');
  httpApp = await startApp((r) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'http-app', method: r.method, url: r.url, body: r.body.toString() }) }));
  httpSidecar = await startSidecar({ appId: 'sdk-http-app', appPort: httpApp.port, home });

  const appPort = await freePort();
  grpcSidecar = await startSidecar({
    appId: 'sdk-grpc-app',
    appPort,
    home,
    args: ['--app-protocol', 'grpc'],
    waitFor: 'none',
    resources: {
      'statestore.yaml': componentYaml('statestore', 'state.in-memory'),
      'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory'),
      'files.yaml': componentYaml('files', 'bindings.localstorage', { rootPath: join(dir.path, 'files') }),
      'tick.yaml': componentYaml('tick', 'bindings.cron', { schedule: '@every 1s' }),
      'secrets.yaml': componentYaml('localsecrets', 'secretstores.local.file', { secretsFile: join(dir.path, 'secrets.json') }),
    },
  });
  server = new DaprServer({
    serverHost: HOST,
    serverPort: String(appPort),
    communicationProtocol: CommunicationProtocolEnum.GRPC,
    clientOptions: { daprHost: HOST, daprPort: String(grpcSidecar.grpcPort), communicationProtocol: CommunicationProtocolEnum.GRPC, logger: quiet },
    logger: quiet,
  });
  await server.pubsub.subscribe('pubsub', 'orders', async (data: unknown) => void orders.push(data));
  await server.pubsub.subscribeBulk('pubsub', 'bulk-orders', async (data: unknown) => void bulkOrders.push(data), { maxMessagesCount: 10, maxAwaitDurationMs: 200 });
  await server.binding.receive('tick', async (data: unknown) => void ticks.push(data));
  await server.invoker.listen('hello', async (req) => {
    invocations.push({ body: req.body, query: req.query });
    return { greeting: `hello ${(JSON.parse(req.body ?? '{}') as { name?: string }).name ?? 'nobody'}` };
  }, { method: HttpMethod.POST });
  // start() opens the app's gRPC port, then polls GetMetadata until the sidecar answers.
  await server.start();
  await waitForSidecar(grpcSidecar, { timeoutMs: 20000 });
  client = grpcClient(grpcSidecar.grpcPort);
  await client.start();
  callerClient = grpcClient(httpSidecar.grpcPort);
  await callerClient.start();
});

afterAll(async () => {
  await client?.stop();
  await callerClient?.stop();
  // The sidecars first: the SDK server's stop() (http2 close) waits for the sidecar's HTTP/2 session to the app.
  await Promise.all([grpcSidecar?.stop(), httpSidecar?.stop()]);
  await server?.stop();
  await httpApp?.close();
  await stopAll();
  dir?.remove();
});

describe('state', () => {
  it('saves and reads values', async () => {
    await client.state.save('statestore', [{ key: 'order-1', value: { orderId: 1 } }, { key: 'note', value: 'plain' }]);
    expect(await client.state.get('statestore', 'order-1')).toEqual({ orderId: 1 });
    expect(await client.state.get('statestore', 'note')).toBe('plain');
  });

  it('uses etags: a save with the current etag passes, a stale one is refused', async () => {
    await client.state.save('statestore', [{ key: 'counter', value: '1' }]);
    const [first] = await client.state.getBulk('statestore', ['counter']);
    expect(first?.etag).toBeTruthy();
    await client.state.save('statestore', [{ key: 'counter', value: '2', etag: first!.etag, options: { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE, consistency: StateConsistencyEnum.CONSISTENCY_STRONG } }]);
    await expect(client.state.save('statestore', [{ key: 'counter', value: '3', etag: first!.etag, options: { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE, consistency: StateConsistencyEnum.CONSISTENCY_STRONG } }])).rejects.toThrow();
    expect(await client.state.get('statestore', 'counter')).toBe(2);
    await expect(client.state.delete('statestore', 'counter', { etag: first!.etag })).rejects.toThrow();
  });

  it('runs a transaction of upserts and deletes, and reads in bulk', async () => {
    await client.state.save('statestore', [{ key: 'tx-old', value: 'old' }]);
    await client.state.transaction('statestore', [
      { operation: 'upsert', request: { key: 'tx-1', value: 'one' } },
      { operation: 'upsert', request: { key: 'tx-2', value: 'two' } },
      { operation: 'delete', request: { key: 'tx-old' } },
    ]);
    const items = await client.state.getBulk('statestore', ['tx-1', 'tx-2', 'tx-old']);
    expect(Object.fromEntries(items.map((i) => [i.key, i.data]))).toEqual({ 'tx-1': 'one', 'tx-2': 'two', 'tx-old': '' });
  });

  it('deletes a key', async () => {
    await client.state.delete('statestore', 'note');
    expect(await client.state.get('statestore', 'note')).toBe('');
  });
});

describe('pub/sub', () => {
  it('publishes and the gRPC app receives each order through OnTopicEvent', async () => {
    for (const orderId of [1, 2, 3]) expect((await client.pubsub.publish('pubsub', 'orders', { orderId })).error).toBeUndefined();
    await waitFor('three orders at the gRPC app', async () => orders.length >= 3, { timeoutMs: 15000 });
    expect([...orders].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([{ orderId: 1 }, { orderId: 2 }, { orderId: 3 }]);
  });

  it('bulk-publishes and the bulk subscriber receives every entry', async () => {
    const res = await client.pubsub.publishBulk('pubsub', 'bulk-orders', [{ orderId: 10 }, { orderId: 11 }, 'plain text']);
    expect(res.failedMessages).toEqual([]);
    await waitFor('three bulk entries at the gRPC app', async () => bulkOrders.length >= 3, { timeoutMs: 15000 });
    expect(bulkOrders).toEqual(expect.arrayContaining([{ orderId: 10 }, { orderId: 11 }, 'plain text']));
  });

  it('metadata lists the app subscriptions it read through ListTopicSubscriptions', async () => {
    const r = (await (await fetch(`${grpcSidecar.url}/v1.0/metadata`)).json()) as { subscriptions: Array<{ topic: string }>; appConnectionProperties: { protocol: string } };
    expect(r.subscriptions.map((s) => s.topic).sort()).toEqual(['bulk-orders', 'orders']);
    expect(r.appConnectionProperties.protocol).toBe('grpc');
  });
});

describe('bindings', () => {
  it('sends to an output binding and reads the result', async () => {
    await client.binding.send('files', 'create', 'file body', { fileName: 'sdk.txt' });
    const res = (await client.binding.send('files', 'get', undefined, { fileName: 'sdk.txt' })) as { data: Uint8Array };
    expect(Buffer.from(res.data).toString()).toBe('file body');
  });

  it('delivers input binding events (cron) through OnBindingEvent', async () => {
    await waitFor('a cron tick at the gRPC app', async () => ticks.length >= 1, { timeoutMs: 15000 });
  });
});

describe('secrets', () => {
  it('gets one secret and all of them', async () => {
    expect(await client.secret.get('localsecrets', 'dbPassword')).toEqual({ dbPassword: 'pw1' });
    expect(await client.secret.getBulk('localsecrets')).toEqual({ dbPassword: { dbPassword: 'pw1' }, apiKey: { apiKey: 'k1' } });
  });
});

describe('service invocation', () => {
  it('gRPC client -> its sidecar -> the other sidecar -> the gRPC app', async () => {
    const res = await callerClient.invoker.invoke('sdk-grpc-app', 'hello', HttpMethod.POST, { name: 'grpc' });
    expect(res).toEqual({ greeting: 'hello grpc' });
    expect(invocations.at(-1)?.body).toBe('{"name":"grpc"}');
  });

  it('HTTP caller -> sidecar -> sidecar -> the gRPC app', async () => {
    const r = await fetch(`${httpSidecar.url}/v1.0/invoke/sdk-grpc-app/method/hello`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"http"}' });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ greeting: 'hello http' });
  });

  it('the gRPC app own sidecar reaches it too (local short-cut)', async () => {
    expect(await client.invoker.invoke('sdk-grpc-app', 'hello', HttpMethod.POST, { name: 'self' })).toEqual({ greeting: 'hello self' });
  });

  it('gRPC client -> sidecar -> sidecar -> an HTTP app', async () => {
    const res = (await client.invoker.invoke('sdk-http-app', 'neworder', HttpMethod.POST, { orderId: 7 })) as Record<string, unknown>;
    expect(res).toMatchObject({ from: 'http-app', method: 'POST', url: '/neworder' });
    expect(JSON.parse(res.body as string)).toEqual({ orderId: 7 });
  });

  it('an unknown app id fails', async () => {
    await expect(client.invoker.invoke('nobody', 'hello', HttpMethod.POST, {})).rejects.toThrow(/fail to invoke/);
  });
});

describe('metadata', () => {
  it('get() names the app and its components; set() adds an attribute', async () => {
    const meta = await client.metadata.get();
    expect(meta.id).toBe('sdk-grpc-app');
    expect(meta.components.map((c) => c.name).sort()).toEqual(['files', 'localsecrets', 'pubsub', 'statestore', 'tick']);
    expect(await client.metadata.set('owner', 'p7')).toBe(true);
    expect((await client.metadata.get()).extended).toMatchObject({ owner: 'p7' });
  });
});
