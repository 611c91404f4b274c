/**
 * The gRPC side of direct messaging with in-process sidecars: `call()` (a gRPC caller) against a
 * callee whose app speaks gRPC (a fake AppCallbacks), and an HTTP caller against the same callee.
 * The app's status crosses the hop exactly in the dapr-grpc-* headers, HTTP callers get it as
 * JSON without those headers, and the callee's own refusals reach a gRPC caller as a status.
 */
import { status } from '@grpc/grpc-js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeStatus, errorInfo } from '../api/grpc/status';
import type { AppCallbacks, AppInvoke, AppInvokeResult } from '../app-channel/types';
import { respondError } from '../server/respond';
import { createDirectMessaging, type DirectMessaging, type OutboundInvoke } from './direct-messaging';

const seen: AppInvoke[] = [];
let next: (inv: AppInvoke) => Promise<AppInvokeResult>;

const app: AppCallbacks = {
  protocol: 'grpc',
  acquire: async () => () => {},
  listSubscriptions: async () => [],
  deliverEvent: async () => ({ verdict: 'success' as never }),
  deliverBulk: async () => ({ verdicts: new Map() }),
  deliverBinding: async () => ({ ok: true, body: Buffer.alloc(0) }),
  invoke: (inv) => {
    seen.push(inv);
    return next(inv);
  },
  probe: (async () => true) as never,
  close() {},
};

let calleeDm: DirectMessaging;
let callerDm: DirectMessaging;
let internal: http.Server;
let publicApi: http.Server;
let publicPort: number;

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  calleeDm = createDirectMessaging({
    appId: 'callee',
    resolver: { name: 'none', resolve: async () => undefined, invalidate() {} },
    maxBodySize: 4096,
    appCallbacks: app,
  });
  internal = http.createServer((req, res) => void calleeDm.deliverFromPeer(req, res).catch((err: unknown) => respondError(res, err)));
  const internalPort = await listen(internal);
  callerDm = createDirectMessaging({
    appId: 'caller',
    resolver: { name: 'static', resolve: async () => ({ host: '127.0.0.1', port: internalPort }), invalidate() {} },
    maxBodySize: 4096,
  });
  publicApi = http.createServer((req, res) => {
    const [path, query] = (req.url ?? '/').split('?');
    const [appId, ...method] = (path ?? '').slice(1).split('/');
    void callerDm.invoke(req, res, { appId: appId ?? '', method: method.join('/') }, query ? `?${query}` : '', false).catch((err: unknown) => respondError(res, err));
  });
  publicPort = await listen(publicApi);
});

afterAll(async () => {
  callerDm.close();
  calleeDm.close();
  for (const s of [internal, publicApi]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

beforeEach(() => {
  seen.length = 0;
});

function outbound(o: Partial<OutboundInvoke> = {}): OutboundInvoke {
  return {
    appId: 'callee',
    method: 'orders/1',
    verb: 'PUT',
    query: 'x=1',
    contentType: 'application/json',
    body: Buffer.from('{"a":1}'),
    headers: { 'x-custom': 'c' },
    trace: { traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01' },
    ...o,
  };
}

it('a gRPC caller reaches the gRPC app with method, verb, query, content type, body and identity', async () => {
  next = async () => ({ status: 200, headers: { 'content-type': 'text/plain', 'x-app': 'yes' }, body: Buffer.from('hi'), grpc: { code: 0, message: '' } });
  const r = await callerDm.call(outbound());
  expect(r).toMatchObject({ status: 200, body: Buffer.from('hi'), grpc: { code: 0, message: '' } });
  expect(r.headers).toMatchObject({ 'content-type': 'text/plain', 'x-app': 'yes' });
  expect(Object.keys(r.headers).filter((h) => h.startsWith('dapr-grpc-'))).toEqual([]);
  const inv = seen[0] as AppInvoke;
  expect({ method: inv.method, verb: inv.verb, query: inv.query, contentType: inv.contentType, body: inv.body.toString() }).toEqual({
    method: 'orders/1',
    verb: 'PUT',
    query: 'x=1',
    contentType: 'application/json',
    body: '{"a":1}',
  });
  expect(inv.headers).toMatchObject({ 'dapr-caller-app-id': 'caller', 'dapr-callee-app-id': 'callee', 'x-custom': 'c', traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01' });
});

it("relays the gRPC app's status, message and details exactly to a gRPC caller", async () => {
  const details = encodeStatus({ code: status.NOT_FOUND, message: 'no such order: é', details: [errorInfo('NO_ORDER', 'acme', { id: '1' })] });
  next = async () => ({ status: 404, headers: {}, body: Buffer.alloc(0), grpc: { code: status.NOT_FOUND, message: 'no such order: é', details } });
  const r = await callerDm.call(outbound());
  expect(r.grpc).toEqual({ code: status.NOT_FOUND, message: 'no such order: é', details });
});

it('answers an HTTP caller with the mapped status and the status as JSON, without dapr-grpc-* headers', async () => {
  next = async () => ({ status: 409, headers: {}, body: Buffer.from('ignored'), grpc: { code: status.ABORTED, message: 'try again' } });
  const res = await fetch(`http://127.0.0.1:${publicPort}/callee/orders?id=3`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
  expect(res.status).toBe(409);
  expect([...res.headers.keys()].filter((h) => h.startsWith('dapr-grpc-'))).toEqual([]);
  expect(await res.json()).toEqual({ code: status.ABORTED, message: 'try again', details: [] });
  expect(seen[0]).toMatchObject({ method: 'orders', verb: 'POST', query: 'id=3', contentType: 'text/plain' });
  next = async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"ok":true}'), grpc: { code: 0, message: '' } });
  const ok = await fetch(`http://127.0.0.1:${publicPort}/callee/orders`, { method: 'GET' });
  expect([ok.status, ok.headers.get('content-type'), await ok.text()]).toEqual([200, 'application/json', '{"ok":true}']);
});

it("gives a gRPC caller the callee sidecar's own refusal as a status", async () => {
  const r = await callerDm.call(outbound({ appId: 'stranger' }));
  expect(r.status).toBe(500);
  expect(r.grpc).toEqual({ code: status.INTERNAL, message: 'fail to invoke, id: stranger, err: this sidecar serves app callee, not stranger' });
});

it('turns an app that throws into ERR_DIRECT_INVOKE on the callee', async () => {
  next = async () => {
    throw new Error('connection refused');
  };
  const r = await callerDm.call(outbound());
  expect(r.grpc).toEqual({ code: status.INTERNAL, message: 'fail to invoke, id: callee, err: error calling the app: connection refused' });
});

it('refuses a body over the limit before calling the app', async () => {
  const r = await callerDm.call(outbound({ body: Buffer.alloc(5000) }));
  expect(r.status).toBe(413);
  expect(r.grpc?.code).toBe(status.RESOURCE_EXHAUSTED);
  expect(seen).toHaveLength(0);
});
