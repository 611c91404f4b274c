/**
 * Scenario (issue 15): InvokeService on the gRPC API reaches an HTTP app through its own sidecar and
 * through a second one (caller sidecar -> callee sidecar -> app), from a plain grpc-js client and
 * from the official SDK's gRPC client. The app sees the verb, query string, content type, body and
 * caller id of an HTTP invocation; its error statuses come back as daprd's gRPC codes with the
 * body in the ErrorInfo; an unknown app id is INTERNAL `fail to invoke`, an access-control denial
 * PERMISSION_DENIED, and HTTP callers never see the internal dapr-grpc-* headers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommunicationProtocolEnum, DaprClient, HttpMethod } from '@dapr/dapr';
import { status } from '@grpc/grpc-js';
import { startApp, startSidecar, stopAll, tempDir, type Sidecar, type TestApp } from '@minidapr/testkit';
import { DaprGrpc, errorDetails, VERB } from '../support/grpc-invoke';

jest.setTimeout(60000);

const ACL = `apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata: {name: acl}
spec:
  accessControl:
    defaultAction: allow
    trustDomain: public
    policies:
    - appId: checkout
      defaultAction: allow
      trustDomain: public
      namespace: default
      operations:
      - {name: /admin, httpVerb: ['*'], action: deny}
`;

const home = tempDir('minidapr-home-');
const config = tempDir('minidapr-cfg-');
let app: TestApp;
let orders: Sidecar;
let checkout: Sidecar;
const clients: DaprGrpc[] = [];

function dial(s: Sidecar): DaprGrpc {
  const c = new DaprGrpc(s.grpcPort);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  app = await startApp((r) => {
    const fail = /^\/fail\/(\d+)/.exec(r.url);
    if (fail) return { status: Number(fail[1]), headers: { 'content-type': 'text/plain' } as Record<string, string>, body: `boom ${fail[1]} ${'x'.repeat(80)}` };
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-app': 'orders' } as Record<string, string>,
      body: JSON.stringify({
        verb: r.method,
        url: r.url,
        contentType: r.headers['content-type'] ?? null,
        body: r.body.toString(),
        caller: r.headers['dapr-caller-app-id'] ?? null,
        custom: r.headers['x-custom'] ?? null,
        traceparent: r.headers.traceparent ?? null,
      }),
    };
  });
  const file = join(config.path, 'acl.yaml');
  writeFileSync(file, ACL);
  [orders, checkout] = await Promise.all([
    startSidecar({ appId: 'orders', appPort: app.port, home: home.path, args: ['--config', file] }),
    startSidecar({ appId: 'checkout', home: home.path }),
  ]);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([orders?.stop(), checkout?.stop()]);
  await app?.close();
  await stopAll();
  home.remove();
  config.remove();
});

const hops: Array<[string, () => Sidecar]> = [
  ['through its own sidecar', () => orders],
  ['through two sidecars', () => checkout],
];

describe.each(hops)('a grpc-js client invoking the HTTP app %s', (_name, via) => {
  it('sends the verb, query string, content type, body and metadata; answers data + content type', async () => {
    const { err, res, header } = await dial(via()).invoke('orders', {
      method: 'echo/items',
      data: '{"a":1}',
      contentType: 'application/json',
      verb: VERB.PUT,
      querystring: 'x=1&y=two',
      metadata: { 'x-custom': 'hello' },
    });
    expect(err).toBeUndefined();
    expect(res?.contentType).toBe('application/json');
    const seen = JSON.parse((res?.data?.value ?? Buffer.alloc(0)).toString());
    expect(seen).toMatchObject({ verb: 'PUT', url: '/echo/items?x=1&y=two', contentType: 'application/json', body: '{"a":1}', custom: 'hello' });
    expect(seen.caller).toBe(via().appId);
    expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(header?.get('x-app')).toEqual(['orders']);
    expect(header?.get('dapr-http-status')).toEqual(['200']);
    expect(header?.get('traceparent')).toHaveLength(1);
  });

  it('uses POST when the verb is NONE or httpExtension is absent, GET when asked', async () => {
    const c = dial(via());
    const none = await c.invoke('orders', { method: 'echo', data: 'n', verb: VERB.NONE });
    expect(JSON.parse(none.res?.data?.value.toString() ?? '{}')).toMatchObject({ verb: 'POST', url: '/echo', body: 'n' });
    const absent = await c.invoke('orders', { method: 'echo', data: 'a' });
    expect(JSON.parse(absent.res?.data?.value.toString() ?? '{}')).toMatchObject({ verb: 'POST' });
    const get = await c.invoke('orders', { method: 'echo', verb: VERB.GET, querystring: 'q=1' });
    expect(JSON.parse(get.res?.data?.value.toString() ?? '{}')).toMatchObject({ verb: 'GET', url: '/echo?q=1', body: '' });
  });

  it('labels a typed Any as application/x-protobuf, as daprd', async () => {
    const { res } = await dial(via()).invoke('orders', { method: 'echo', data: 'pb', typeUrl: 'type.googleapis.com/acme.Order', contentType: 'text/plain' });
    expect(JSON.parse(res?.data?.value.toString() ?? '{}')).toMatchObject({ contentType: 'application/x-protobuf', body: 'pb' });
  });

  it.each([
    [404, status.NOT_FOUND, 'Not Found'],
    [400, status.INTERNAL, 'Bad Request'],
    [401, status.UNAUTHENTICATED, 'Unauthorized'],
    [403, status.PERMISSION_DENIED, 'Forbidden'],
    [409, status.ALREADY_EXISTS, 'Conflict'],
    [500, status.UNKNOWN, 'Internal Server Error'],
    [503, status.UNAVAILABLE, 'Service Unavailable'],
    [418, status.UNKNOWN, "I'm a Teapot"],
  ])('turns the app answering %i into code %i with ErrorInfo and dapr-http-status', async (httpStatus, code, text) => {
    const { err } = await dial(via()).invoke('orders', { method: `fail/${httpStatus}`, data: 'x' });
    expect([err?.code, err?.details]).toEqual([code, text]);
    expect(errorDetails(err)).toEqual([
      {
        reason: text,
        domain: 'dapr.io',
        metadata: { 'http.code': String(httpStatus), 'http.error_message': `boom ${httpStatus} ${'x'.repeat(80)}`.slice(0, 63) },
      },
    ]);
    expect(err?.metadata.get('dapr-http-status')).toEqual([String(httpStatus)]);
  });

  it('answers INTERNAL "fail to invoke" for an app id nobody serves', async () => {
    const { err } = await dial(via()).invoke('nobody', { method: 'x' });
    expect(err?.code).toBe(status.INTERNAL);
    expect(err?.details).toMatch(/^fail to invoke, id: nobody, err: /);
    expect(err?.metadata.get('grpc-status-details-bin')).toEqual([]);
  });
});

it('refuses what the callee access policy denies with PERMISSION_DENIED, and the app never sees it', async () => {
  const before = app.received.length;
  const { err } = await dial(checkout).invoke('orders', { method: 'admin', data: 'x', verb: VERB.POST });
  expect(err?.code).toBe(status.PERMISSION_DENIED);
  expect(err?.details).toMatch(/^fail to invoke, id: orders, err: access control policy has denied access to id: spiffe:\/\/public\/ns\/default\/checkout operation: admin verb: POST/);
  expect(app.received.length).toBe(before);
});

it('keeps the internal dapr-grpc-* headers from HTTP callers', async () => {
  const r = await fetch(`${checkout.url}/v1.0/invoke/orders/method/admin`, { method: 'POST', body: 'x' });
  expect(r.status).toBe(403);
  expect([...r.headers.keys()].filter((h) => h.startsWith('dapr-grpc-'))).toEqual([]);
  expect(((await r.json()) as { errorCode: string }).errorCode).toBe('ERR_PERMISSION_DENIED');
});

it('refuses an invalid app id and a method with a reserved character', async () => {
  const c = dial(checkout);
  const bad = await c.invoke('a.b.c', { method: 'x' });
  expect([bad.err?.code, bad.err?.details]).toEqual([status.INTERNAL, 'fail to invoke, id: a.b.c, err: invalid app id: use <appId> or <appId>.<namespace>']);
  const hash = await c.invoke('orders', { method: 'echo#frag' });
  expect(hash.err?.code).toBe(status.INTERNAL);
  expect(hash.err?.details).toMatch(/^fail to invoke, id: orders, err: invalid method name/);
});

describe.each(hops)('the official SDK gRPC client invoking the HTTP app %s', (_name, via) => {
  it('invokes with HttpMethod.POST and gets the parsed JSON answer', async () => {
    const client = new DaprClient({
      daprHost: '127.0.0.1',
      daprPort: String(via().grpcPort),
      communicationProtocol: CommunicationProtocolEnum.GRPC,
      logger: { level: 0 } as never,
    });
    try {
      const out = (await client.invoker.invoke('orders', 'echo', HttpMethod.POST, { hello: 'world' })) as Record<string, unknown>;
      expect(out).toMatchObject({ verb: 'POST', url: '/echo', contentType: 'application/json', body: '{"hello":"world"}', caller: via().appId });
      const got = (await client.invoker.invoke('orders', 'echo', HttpMethod.GET)) as Record<string, unknown>;
      expect(got).toMatchObject({ verb: 'GET', url: '/echo' });
      await expect(client.invoker.invoke('orders', 'fail/404', HttpMethod.POST, {})).rejects.toThrow();
    } finally {
      await client.stop();
    }
  });
});
