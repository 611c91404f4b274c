/**
 * Scenario (issue 15): invocation across protocols through two sidecars, the internal hop staying
 * HTTP/1.1. (1) With mTLS: an HTTP caller and a gRPC caller reach a gRPC app (--app-protocol grpc,
 * a plain grpc-js AppCallback server) through sidecar A -> sidecar B; the app's status, message
 * and details reach a gRPC caller exactly, an HTTP caller gets the mapped status and the status as
 * JSON, never the internal dapr-grpc-* headers. (2) Without mTLS: a gRPC app written with the
 * official SDK (DaprServer) relays to an HTTP app: its sidecar hands it the call, it invokes the
 * HTTP app with the SDK's gRPC client through its sidecar -> the HTTP app's sidecar.
 */
import { CommunicationProtocolEnum, DaprClient, DaprServer, HttpMethod, LogLevel } from '@dapr/dapr';
import { status } from '@grpc/grpc-js';
import { freePort, startApp, startSidecar, stopAll, tempDir, waitFor, type Sidecar, type TestApp } from '@minidapr/testkit';
import { encodeStatus, errorInfo } from '../../src/api/grpc/status';
import { initMtlsHome } from '../support/mtls';
import { DaprGrpc, errorDetails, startGrpcApp, VERB, type GrpcTestApp } from '../support/grpc-invoke';

jest.setTimeout(90000);

const MISSING = encodeStatus({ code: status.NOT_FOUND, message: 'no such order', details: [errorInfo('ORDER_MISSING', 'acme.example', { order: '7' })] });

const mtlsHome = tempDir('minidapr-home-');
const plainHome = tempDir('minidapr-home-');
let grpcApp: GrpcTestApp;
let httpApp: TestApp;
let relayApp: DaprServer | undefined;
let front: Sidecar;
let grpcOrders: Sidecar;
let relay: Sidecar;
let httpOrders: Sidecar;
const clients: Array<{ close(): void }> = [];

function dial(s: Sidecar): DaprGrpc {
  const c = new DaprGrpc(s.grpcPort);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  grpcApp = await startGrpcApp((req) => {
    if (req.method === 'orders/missing') return { error: { code: status.NOT_FOUND, message: 'no such order', details: MISSING } };
    if (req.method === 'orders/busy') return { error: { code: status.RESOURCE_EXHAUSTED, message: 'busy, try later' } };
    return {
      data: JSON.stringify({ method: req.method, verb: req.httpExtension?.verb ?? null, query: req.httpExtension?.querystring ?? null, body: req.data?.value.toString() ?? '', contentType: req.contentType }),
      contentType: 'application/json',
      header: { 'x-app': 'grpc-orders' },
    };
  });
  httpApp = await startApp((r) => ({
    status: r.url.startsWith('/missing') ? 404 : 200,
    headers: { 'content-type': 'application/json' } as Record<string, string>,
    body: JSON.stringify({ verb: r.method, url: r.url, body: r.body.toString(), caller: r.headers['dapr-caller-app-id'] ?? null }),
  }));
  const config = await initMtlsHome(mtlsHome.path);
  const relayPort = await freePort();
  [front, grpcOrders, httpOrders, relay] = await Promise.all([
    startSidecar({ appId: 'front', home: mtlsHome.path, args: ['--config', config] }),
    startSidecar({ appId: 'grpc-orders', appPort: grpcApp.port, home: mtlsHome.path, args: ['--config', config, '--app-protocol', 'grpc'] }),
    startSidecar({ appId: 'http-orders', appPort: httpApp.port, home: plainHome.path }),
    startSidecar({ appId: 'relay', appPort: relayPort, home: plainHome.path, args: ['--app-protocol', 'grpc'], waitFor: 'outbound' }),
  ]);
  const server = new DaprServer({
    serverHost: '127.0.0.1',
    serverPort: String(relayPort),
    communicationProtocol: CommunicationProtocolEnum.GRPC,
    clientOptions: { daprHost: '127.0.0.1', daprPort: String(relay.grpcPort), communicationProtocol: CommunicationProtocolEnum.GRPC, logger: { level: LogLevel.Error } },
    logger: { level: LogLevel.Error },
  });
  relayApp = server;
  await server.invoker.listen(
    'relay',
    async (req) => {
      const order = JSON.parse(String(req.body)) as Record<string, unknown>;
      const answer = await server.client.invoker.invoke('http-orders', 'neworder', HttpMethod.POST, order);
      return { relayed: answer };
    },
    { method: HttpMethod.POST },
  );
  await server.start();
  await waitFor('the relay sidecar to be healthy', async () => (await fetch(`${relay.url}/v1.0/healthz`)).status === 204, { timeoutMs: 20000 });
});

afterAll(async () => {
  for (const c of clients) c.close();
  // Sidecars first: the SDK server's stop() waits for the connections its sidecar holds open.
  await Promise.all([front?.stop(), grpcOrders?.stop(), relay?.stop(), httpOrders?.stop()]);
  await relayApp?.stop().catch(() => undefined);
  await Promise.all([grpcApp?.close(), httpApp?.close()]);
  await stopAll();
  mtlsHome.remove();
  plainHome.remove();
});

describe('HTTP and gRPC callers -> sidecar A -> sidecar B -> gRPC app (mTLS on)', () => {
  it('runs the sidecars with mTLS', () => {
    expect(grpcOrders.process.output()).toContain('mTLS enabled');
  });

  it('an HTTP caller reaches OnInvoke with method, verb, query, content type, body and the certified caller id', async () => {
    const r = await fetch(`${front.url}/v1.0/invoke/grpc-orders/method/orders/new?x=1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"n":1}' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('x-app')).toBe('grpc-orders');
    expect([...r.headers.keys()].filter((h) => h.startsWith('dapr-grpc-'))).toEqual([]);
    expect(await r.json()).toEqual({ method: 'orders/new', verb: VERB.PUT, query: 'x=1', body: '{"n":1}', contentType: 'application/json' });
    expect(grpcApp.received.at(-1)?.metadata['dapr-caller-app-id']).toEqual(['front']);
  });

  it("an HTTP caller gets the gRPC app's error as the mapped HTTP status with the status as JSON", async () => {
    const r = await fetch(`${front.url}/v1.0/invoke/grpc-orders/method/orders/missing`, { method: 'POST', body: 'x' });
    expect(r.status).toBe(404);
    expect([...r.headers.keys()].filter((h) => h.startsWith('dapr-grpc-'))).toEqual([]);
    expect(await r.json()).toEqual({
      code: status.NOT_FOUND,
      message: 'no such order',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ORDER_MISSING', domain: 'acme.example', metadata: { order: '7' } }],
    });
    const busy = await fetch(`${front.url}/v1.0/invoke/grpc-orders/method/orders/busy`, { method: 'POST', body: 'x' });
    expect(busy.status).toBe(429);
  });

  it('a gRPC caller gets the answer data and content type', async () => {
    const { err, res, header } = await dial(front).invoke('grpc-orders', { method: 'orders/new', data: '{"n":2}', contentType: 'application/json', verb: VERB.POST, querystring: 'q=2' });
    expect(err).toBeUndefined();
    expect(res?.contentType).toBe('application/json');
    expect(JSON.parse(res?.data?.value.toString() ?? '{}')).toEqual({ method: 'orders/new', verb: VERB.POST, query: 'q=2', body: '{"n":2}', contentType: 'application/json' });
    expect(header?.get('x-app')).toEqual(['grpc-orders']);
    expect(header?.get('dapr-http-status')).toEqual([]);
  });

  it("a gRPC caller gets the gRPC app's status, message and details exactly", async () => {
    const { err } = await dial(front).invoke('grpc-orders', { method: 'orders/missing', data: 'x' });
    expect([err?.code, err?.details]).toEqual([status.NOT_FOUND, 'no such order']);
    expect(err?.metadata.get('grpc-status-details-bin')).toEqual([MISSING]);
    expect(errorDetails(err)).toEqual([{ reason: 'ORDER_MISSING', domain: 'acme.example', metadata: { order: '7' } }]);
    const busy = await dial(front).invoke('grpc-orders', { method: 'orders/busy' });
    expect([busy.err?.code, busy.err?.details]).toEqual([status.RESOURCE_EXHAUSTED, 'busy, try later']);
  });

  it('the SDK gRPC client invokes the gRPC app', async () => {
    const client = new DaprClient({ daprHost: '127.0.0.1', daprPort: String(front.grpcPort), communicationProtocol: CommunicationProtocolEnum.GRPC, logger: { level: LogLevel.Error } });
    try {
      const out = (await client.invoker.invoke('grpc-orders', 'orders/sdk', HttpMethod.POST, { n: 3 })) as Record<string, unknown>;
      expect(out).toEqual({ method: 'orders/sdk', verb: VERB.POST, query: '', body: '{"n":3}', contentType: 'application/json' });
    } finally {
      await client.stop();
    }
  });
});

describe('gRPC app (SDK DaprServer) -> its sidecar -> sidecar -> HTTP app (mTLS off)', () => {
  it('relays a gRPC caller through the gRPC app to the HTTP app', async () => {
    const { err, res } = await dial(relay).invoke('relay', { method: 'relay', data: '{"orderId":1}', contentType: 'application/json', verb: VERB.POST });
    expect(err).toBeUndefined();
    expect(JSON.parse(res?.data?.value.toString() ?? '{}')).toEqual({ relayed: { verb: 'POST', url: '/neworder', body: '{"orderId":1}', caller: 'relay' } });
  });

  it('relays an HTTP caller of another sidecar through the gRPC app to the HTTP app', async () => {
    const r = await fetch(`${httpOrders.url}/v1.0/invoke/relay/method/relay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orderId":2}' });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ relayed: { verb: 'POST', url: '/neworder', body: '{"orderId":2}', caller: 'relay' } });
  });

  it("a gRPC caller of the HTTP app's sidecar through the relay sidecar gets the HTTP app's error as daprd's status", async () => {
    const { err } = await dial(relay).invoke('http-orders', { method: 'missing', verb: VERB.GET });
    expect([err?.code, err?.details]).toEqual([status.NOT_FOUND, 'Not Found']);
    expect(err?.metadata.get('dapr-http-status')).toEqual(['404']);
  });
});
