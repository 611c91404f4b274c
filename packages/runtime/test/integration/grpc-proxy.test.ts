/**
 * Scenario (issue 15, gRPC proxying): an app serving its own gRPC service (acme.echo.Echo, from an
 * inline .proto) is called through the sidecars' gRPC ports with `dapr-app-id`: through its own
 * sidecar and through another one (sidecar-to-sidecar HTTP/2 on the internal port), unary and
 * every streaming kind, metadata in and out, status and trailers verbatim, deadline and
 * cancellation carried to the app, unknown app ids refused as daprd refuses them, the API token
 * enforced, an access-control policy applied by the callee, and the same over mTLS.
 */
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  Server,
  ServerCredentials,
  status,
  type CallOptions,
  type Client,
  type ClientDuplexStream,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ClientWritableStream,
  type Deadline,
  type GrpcObject,
  type requestCallback,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { freePort, startSidecar, stopAll, tempDir, waitFor, type Sidecar } from '@minidapr/testkit';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_APP_PROTOCOLS } from '../../src/option-flags';
import { encodeStatus, decodeStatus, errorInfo, decodeDetail } from '../../src/api/grpc/status';
import { initMtlsHome, MTLS_CONFIG } from '../support/mtls';
import { startZipkinReceiver, tracingConfiguration, type ZipkinReceiver } from './tracing/zipkin-receiver';

jest.setTimeout(60000);

const PROTO = `syntax = "proto3";
package acme.echo;
message Msg { string text = 1; int32 n = 2; }
service Echo {
  rpc Unary(Msg) returns (Msg);
  rpc ServerStream(Msg) returns (stream Msg);
  rpc ClientStream(stream Msg) returns (Msg);
  rpc Bidi(stream Msg) returns (stream Msg);
  rpc Slow(Msg) returns (Msg);
  rpc Fail(Msg) returns (Msg);
}
service locked {
  rpc get(Msg) returns (Msg);
}
`;

interface Msg {
  text: string;
  n: number;
}
type UnaryName = 'Unary' | 'Slow' | 'Fail' | 'get';
type UnaryMethod = (req: Partial<Msg>, md: Metadata, options: CallOptions, cb: requestCallback<Msg>) => ClientUnaryCall;
/** The generated client's methods (acme.echo.locked's client has only `get`). */
type EchoClient = Client &
  Record<UnaryName, UnaryMethod> & {
    ServerStream(req: Partial<Msg>, md: Metadata): ClientReadableStream<Msg>;
    ClientStream(md: Metadata, cb: requestCallback<Msg>): ClientWritableStream<Msg>;
    Bidi(md: Metadata): ClientDuplexStream<Msg, Msg>;
  };

const dir = tempDir('minidapr-grpc-proxy-');
writeFileSync(join(dir.path, 'echo.proto'), PROTO);
const pkg = loadPackageDefinition(loadSync(join(dir.path, 'echo.proto'), { keepCase: true, longs: Number, defaults: true }));
const echoPkg = (pkg.acme as GrpcObject).echo as GrpcObject;
const Echo = echoPkg.Echo as ServiceClientConstructor;
// All lower case, so the policy matches whether the callee's ACL was compiled for an HTTP or a gRPC app.
const Locked = echoPkg.locked as ServiceClientConstructor;
const client = (ctor: ServiceClientConstructor, port: number, creds = credentials.createInsecure()): EchoClient => new ctor(`127.0.0.1:${port}`, creds) as unknown as EchoClient;

/** The app side: what it saw, for the assertions. */
const seen = { slow: new Set<string>(), cancelled: [] as string[], deadlines: [] as Array<number | undefined>, metadata: [] as Record<string, unknown>[] };

function picked(md: Metadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['dapr-app-id', 'dapr-caller-app-id', 'dapr-callee-app-id', 'dapr-api-token', 'x-custom', 'x-bin-bin', 'traceparent']) {
    const v = md.get(k);
    if (v.length) out[k] = v.length === 1 ? (Buffer.isBuffer(v[0]) ? (v[0] as Buffer).toString('hex') : v[0]) : v;
  }
  return out;
}

function deadlineOf(call: { getDeadline(): Deadline }): number | undefined {
  const d = call.getDeadline();
  return d instanceof Date ? d.getTime() : Number.isFinite(d) ? d : undefined;
}

async function startEchoApp(tag: string): Promise<{ port: number; stop(): Promise<void> }> {
  const server = new Server();
  server.addService(Echo.service, {
    Unary(call: ServerUnaryCall<Msg, Msg>, cb: sendUnaryData<Msg>) {
      seen.metadata.push(picked(call.metadata));
      const h = new Metadata();
      h.set('x-reply-header', `h-${call.request.text}`);
      call.sendMetadata(h);
      const t = new Metadata();
      t.set('x-reply-trailer', `t-${call.request.text}`);
      cb(null, { text: `${tag}:${call.request.text}`, n: call.request.n + 1 }, t);
    },
    ServerStream(call: ServerWritableStream<Msg, Msg>) {
      const pad = call.request.text === 'big' ? 'x'.repeat(4096) : '';
      for (let i = 0; i < call.request.n; i++) call.write({ text: `${call.request.text}-${i}${pad}`, n: i });
      call.end();
    },
    ClientStream(call: ServerReadableStream<Msg, Msg>, cb: sendUnaryData<Msg>) {
      const parts: string[] = [];
      call.on('data', (m: Msg) => parts.push(m.text));
      call.on('end', () => cb(null, { text: parts.join('+'), n: parts.length }));
    },
    Bidi(call: ServerDuplexStream<Msg, Msg>) {
      call.on('data', (m: Msg) => call.write({ text: m.text.toUpperCase(), n: m.n * 2 }));
      call.on('end', () => call.end());
    },
    Slow(call: ServerUnaryCall<Msg, Msg>, cb: sendUnaryData<Msg>) {
      seen.deadlines.push(deadlineOf(call));
      seen.slow.add(call.request.text);
      const timer = setTimeout(() => cb(null, { text: 'late', n: 0 }), 20000);
      call.on('cancelled', () => {
        clearTimeout(timer);
        seen.cancelled.push(call.request.text);
      });
    },
    Fail(call: ServerUnaryCall<Msg, Msg>, cb: sendUnaryData<Msg>) {
      const md = new Metadata();
      md.set('x-why', 'because');
      md.set('grpc-status-details-bin', encodeStatus({ code: status.FAILED_PRECONDITION, message: 'no stock', details: [errorInfo('NO_STOCK', 'acme.io', { item: call.request.text })] }));
      cb({ code: status.FAILED_PRECONDITION, details: 'no stock', metadata: md });
    },
  });
  server.addService(Locked.service, {
    get(call: ServerUnaryCall<Msg, Msg>, cb: sendUnaryData<Msg>) {
      cb(null, { text: `${tag}:locked:${call.request.text}`, n: 0 });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { port, stop: () => new Promise<void>((r) => server.tryShutdown(() => r())) };
}

/** --app-protocol grpc once minidaprd accepts it (the proxy dials the app port with gRPC either way, as daprd). */
const grpcAppArgs = (SUPPORTED_APP_PROTOCOLS as readonly string[]).includes('grpc') ? ['--app-protocol', 'grpc'] : [];

const clients: Client[] = [];
function dial(port: number): EchoClient {
  const c = client(Echo, port);
  clients.push(c);
  return c;
}

function md(pairs: Record<string, string>): Metadata {
  const m = new Metadata();
  for (const [k, v] of Object.entries(pairs)) m.set(k, v);
  return m;
}

interface UnaryResult {
  err: ServiceError | null;
  res?: Msg;
  headers?: Metadata;
  trailers?: Metadata;
}
function unary(c: EchoClient, method: UnaryName, req: Partial<Msg>, meta: Metadata, options: Record<string, unknown> = {}): Promise<UnaryResult> {
  return new Promise((resolve) => {
    const out: UnaryResult = { err: null };
    const call = c[method](req, meta, options, (err, res) => {
      out.err = err;
      out.res = res;
    });
    call.on('metadata', (h: Metadata) => (out.headers = h));
    call.on('status', (s: { metadata: Metadata }) => {
      out.trailers = s.metadata;
      setImmediate(() => resolve(out));
    });
  });
}

function serverStream(c: EchoClient, req: Partial<Msg>, meta: Metadata): Promise<Msg[]> {
  return new Promise((resolve, reject) => {
    const got: Msg[] = [];
    const call = c.ServerStream(req, meta);
    call.on('data', (m: Msg) => got.push(m));
    call.on('error', reject);
    call.on('end', () => resolve(got));
  });
}

function clientStream(c: EchoClient, texts: string[], meta: Metadata): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const call = c.ClientStream(meta, (err, res) => (err || !res ? reject(err) : resolve(res)));
    for (const t of texts) call.write({ text: t, n: 0 });
    call.end();
  });
}

/** Bidi, one message at a time: each reply arrives before the next message is sent. */
async function bidi(c: EchoClient, texts: string[], meta: Metadata): Promise<Msg[]> {
  const call = c.Bidi(meta);
  const got: Msg[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    call.on('error', reject);
    call.on('end', () => resolve());
  });
  let waiter: (() => void) | undefined;
  call.on('data', (m: Msg) => {
    got.push(m);
    waiter?.();
  });
  for (const [i, t] of texts.entries()) {
    const next = new Promise<void>((r) => (waiter = r));
    call.write({ text: t, n: i });
    await next;
  }
  call.end();
  await ended;
  return got;
}

describe('without mTLS', () => {
  const home = tempDir('minidapr-home-');
  let app: { port: number; stop(): Promise<void> };
  let echo: Sidecar;
  let caller: Sidecar;
  let guarded: Sidecar;

  beforeAll(async () => {
    app = await startEchoApp('echo');
    const acl = join(home.path, 'acl.yaml');
    writeFileSync(
      acl,
      [
        'apiVersion: dapr.io/v1alpha1',
        'kind: Configuration',
        'metadata:',
        '  name: acl',
        'spec:',
        '  accessControl:',
        '    defaultAction: allow',
        '    trustDomain: public',
        '    policies:',
        '      - appId: intruder',
        '        defaultAction: allow',
        '        trustDomain: public',
        '        namespace: default',
        '        operations:',
        '          - name: /acme.echo.locked/get',
        '            action: deny',
        '',
      ].join('\n'),
    );
    [echo, caller, guarded] = await Promise.all([
      startSidecar({ appId: 'echo', appPort: app.port, home: home.path, args: [...grpcAppArgs, '--config', acl] }),
      startSidecar({ appId: 'caller', home: home.path }),
      startSidecar({ appId: 'intruder', home: home.path, env: { DAPR_API_TOKEN: 'secret' } }),
    ]);
  });

  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all([echo?.stop(), caller?.stop(), guarded?.stop()]);
    await app?.stop();
    await stopAll();
    home.remove();
  });

  it.each([
    ['its own sidecar', () => echo],
    ['another sidecar', () => caller],
  ])('unary through %s: reply, headers, trailers, identity metadata', async (_name, sidecar) => {
    const s = sidecar();
    const meta = md({ 'dapr-app-id': 'echo', 'x-custom': 'kept', 'dapr-caller-app-id': 'forged' });
    meta.set('x-bin-bin', Buffer.from([0, 1, 254, 255]));
    const r = await unary(dial(s.grpcPort), 'Unary', { text: 'hi', n: 41 }, meta);
    expect(r.err).toBeNull();
    expect(r.res).toEqual({ text: 'echo:hi', n: 42 });
    expect(r.headers?.get('x-reply-header')).toEqual(['h-hi']);
    expect(r.trailers?.get('x-reply-trailer')).toEqual(['t-hi']);
    const last = seen.metadata[seen.metadata.length - 1];
    expect(last).toMatchObject({ 'x-custom': 'kept', 'x-bin-bin': '0001feff' });
    expect(last?.['dapr-app-id']).toBeUndefined();
    expect(last).toMatchObject({ 'dapr-caller-app-id': s === caller ? 'caller' : 'echo', 'dapr-callee-app-id': 'echo' });
  });

  it.each([
    ['its own sidecar', () => echo],
    ['another sidecar', () => caller],
  ])('server, client and bidi streaming through %s', async (_name, sidecar) => {
    const c = dial(sidecar().grpcPort);
    const meta = () => md({ 'dapr-app-id': 'echo' });
    expect((await serverStream(c, { text: 'tick', n: 5 }, meta())).map((m) => m.text)).toEqual(['tick-0', 'tick-1', 'tick-2', 'tick-3', 'tick-4']);
    expect(await clientStream(c, ['a', 'b', 'c'], meta())).toEqual({ text: 'a+b+c', n: 3 });
    expect(await bidi(c, ['x', 'y', 'z'], meta())).toEqual([
      { text: 'X', n: 0 },
      { text: 'Y', n: 2 },
      { text: 'Z', n: 4 },
    ]);
  });

  it('keeps order and flow control on a long stream between sidecars (12 MiB in 3000 messages)', async () => {
    const got = await serverStream(dial(caller.grpcPort), { text: 'big', n: 3000 }, md({ 'dapr-app-id': 'echo' }));
    expect(got).toHaveLength(3000);
    expect(got.every((m, i) => m.n === i && m.text.startsWith(`big-${i}x`))).toBe(true);
  });

  it('relays an error status with its message, trailers and details verbatim', async () => {
    const r = await unary(dial(caller.grpcPort), 'Fail', { text: 'book' }, md({ 'dapr-app-id': 'echo' }));
    expect([r.err?.code, r.err?.details]).toEqual([status.FAILED_PRECONDITION, 'no stock']);
    expect(r.err?.metadata.get('x-why')).toEqual(['because']);
    const st = decodeStatus(r.err?.metadata.get('grpc-status-details-bin')[0] as Buffer);
    expect(st.details.map(decodeDetail)).toEqual([{ reason: 'NO_STOCK', domain: 'acme.io', metadata: { item: 'book' } }]);
  });

  it('carries the deadline to the app and answers DEADLINE_EXCEEDED', async () => {
    const before = seen.deadlines.length;
    const deadline = Date.now() + 1500;
    const r = await unary(dial(caller.grpcPort), 'Slow', { text: 'deadline' }, md({ 'dapr-app-id': 'echo' }), { deadline });
    expect(r.err?.code).toBe(status.DEADLINE_EXCEEDED);
    const appDeadline = seen.deadlines[before];
    expect(appDeadline).toBeDefined();
    expect(Math.abs((appDeadline as number) - deadline)).toBeLessThan(1000);
    await waitFor('the app to see the call end', () => seen.cancelled.includes('deadline'));
  });

  it('carries a cancellation to the app', async () => {
    const c = dial(caller.grpcPort);
    const call = c.Slow({ text: 'cancel-me' }, md({ 'dapr-app-id': 'echo' }), {}, () => {});
    await waitFor('the call to reach the app', () => seen.slow.has('cancel-me'));
    call.cancel();
    await waitFor('the app to see the cancellation', () => seen.cancelled.includes('cancel-me'));
  });

  it('refuses calls without an app id and to unknown app ids (UNKNOWN, as daprd)', async () => {
    const none = await unary(dial(caller.grpcPort), 'Unary', { text: 'x' }, new Metadata());
    expect([none.err?.code, none.err?.details]).toEqual([status.UNKNOWN, 'failed to proxy request: required metadata dapr-callee-app-id or dapr-app-id not found']);
    const unknown = await unary(dial(caller.grpcPort), 'Unary', { text: 'x' }, md({ 'dapr-app-id': 'nobody' }));
    expect(unknown.err?.code).toBe(status.UNKNOWN);
    expect(unknown.err?.details).toContain('nobody');
  });

  it('answers UNAVAILABLE when the registered sidecar does not answer', async () => {
    const dead = await freePort();
    mkdirSync(join(home.path, 'instances'), { recursive: true });
    // A live pid (this test process) whose internal port nobody listens on.
    const entry = { appId: 'ghost', pid: process.pid, host: '127.0.0.1', httpPort: dead, internalPort: dead, grpcPort: dead, appProtocol: 'grpc', startedAt: new Date().toISOString(), runtimeVersion: '0', cwd: '.', resourcesPaths: [], configPaths: [], extended: {} };
    writeFileSync(join(home.path, 'instances', `${process.pid}.json`), JSON.stringify(entry));
    try {
      const r = await unary(dial(caller.grpcPort), 'Unary', { text: 'x' }, md({ 'dapr-app-id': 'ghost' }));
      expect(r.err?.code).toBe(status.UNAVAILABLE);
    } finally {
      rmSync(join(home.path, 'instances', `${process.pid}.json`), { force: true });
    }
  });

  it('the internal port gates HTTP/2 like HTTP/1.1: the API token is required when set', async () => {
    // Straight to intruder's sidecar-to-sidecar port, as a peer without the token would.
    const direct = client(Echo, guarded.internalPort);
    clients.push(direct);
    const r = await unary(direct, 'Unary', { text: 'x' }, md({ 'dapr-callee-app-id': 'intruder', 'dapr-caller-app-id': 'caller' }));
    expect([r.err?.code, r.err?.details]).toEqual([status.UNAUTHENTICATED, 'Unauthorized']);
  });

  it('a stopping sidecar ends its open proxied streams within the grace period', async () => {
    const leaving = await startSidecar({ appId: 'leaving', home: home.path });
    const call = dial(leaving.grpcPort).Bidi(md({ 'dapr-app-id': 'echo' }));
    const ended = new Promise<number>((resolve) => call.on('status', (st: { code: number }) => resolve(st.code)));
    call.on('error', () => {});
    const first = new Promise<Msg>((resolve) => call.once('data', resolve));
    call.write({ text: 'open', n: 1 });
    expect(await first).toEqual({ text: 'OPEN', n: 2 });
    const started = Date.now();
    await leaving.stop();
    expect(await ended).not.toBe(status.OK);
    expect(Date.now() - started).toBeLessThan(15000);
  });

  it('enforces the API token on proxied calls, and the callee applies its access-control policy', async () => {
    const c = dial(guarded.grpcPort);
    const without = await unary(c, 'Unary', { text: 'x' }, md({ 'dapr-app-id': 'echo' }));
    expect([without.err?.code, without.err?.details]).toEqual([status.UNAUTHENTICATED, 'Unauthorized']);
    const ok = await unary(c, 'Unary', { text: 'tok' }, md({ 'dapr-app-id': 'echo', 'dapr-api-token': 'secret' }));
    expect(ok.res).toEqual({ text: 'echo:tok', n: 1 });
    // The sidecar's own token never reaches the app (no app token configured).
    expect(seen.metadata[seen.metadata.length - 1]?.['dapr-api-token']).toBeUndefined();
    const locked = client(Locked, guarded.grpcPort);
    clients.push(locked);
    const denied = await unary(locked, 'get', { text: 'x' }, md({ 'dapr-app-id': 'echo', 'dapr-api-token': 'secret' }));
    expect([denied.err?.code, denied.err?.details]).toEqual([
      status.PERMISSION_DENIED,
      'access control policy has denied access to id: spiffe://public/ns/default/intruder operation: /acme.echo.locked/get verb: NONE',
    ]);
    // Another caller is not covered by that policy.
    const other = client(Locked, caller.grpcPort);
    clients.push(other);
    expect((await unary(other, 'get', { text: 'y' }, md({ 'dapr-app-id': 'echo' }))).res).toEqual({ text: 'echo:locked:y', n: 0 });
  });
});

describe('with mTLS', () => {
  const home = tempDir('minidapr-home-mtls-');
  let app: { port: number; stop(): Promise<void> };
  let echo: Sidecar;
  let caller: Sidecar;

  beforeAll(async () => {
    const config = await initMtlsHome(home.path);
    expect(MTLS_CONFIG).toContain('enabled: true');
    app = await startEchoApp('secure');
    [echo, caller] = await Promise.all([
      startSidecar({ appId: 'echo', appPort: app.port, home: home.path, args: [...grpcAppArgs, '--config', config] }),
      startSidecar({ appId: 'caller', home: home.path, args: ['--config', config] }),
    ]);
  });

  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all([echo?.stop(), caller?.stop()]);
    await app?.stop();
    await stopAll();
    home.remove();
  });

  it('proxies unary and bidi calls between sidecars over mTLS (ALPN h2), identity from the certificate', async () => {
    const c = dial(caller.grpcPort);
    const r = await unary(c, 'Unary', { text: 'tls', n: 1 }, md({ 'dapr-app-id': 'echo', 'dapr-caller-app-id': 'forged' }));
    expect(r.err).toBeNull();
    expect(r.res).toEqual({ text: 'secure:tls', n: 2 });
    expect(seen.metadata[seen.metadata.length - 1]).toMatchObject({ 'dapr-caller-app-id': 'caller', 'dapr-callee-app-id': 'echo' });
    expect(await bidi(c, ['p', 'q'], md({ 'dapr-app-id': 'echo' }))).toEqual([
      { text: 'P', n: 0 },
      { text: 'Q', n: 2 },
    ]);
    expect(echo.process.output()).toContain('mTLS enabled');
  });

  it('the internal port refuses HTTP/2 peers without a client certificate from the trust root', async () => {
    const anchors = readFileSync(join(home.path, 'certs', 'ca.crt'));
    const noCert = credentials.createSsl(anchors, null, null, { checkServerIdentity: () => undefined });
    const before = seen.metadata.length;
    for (const creds of [credentials.createInsecure(), noCert]) {
      const direct = client(Echo, echo.internalPort, creds);
      clients.push(direct);
      const r = await unary(direct, 'Unary', { text: 'x' }, md({ 'dapr-callee-app-id': 'echo' }), { deadline: Date.now() + 3000 });
      expect(r.err?.code).toBe(status.UNAVAILABLE);
    }
    expect(seen.metadata.length).toBe(before);
  });
});

describe('with tracing', () => {
  const home = tempDir('minidapr-home-trace-');
  let zipkin: ZipkinReceiver;
  let app: { port: number; stop(): Promise<void> };
  let echo: Sidecar;
  let caller: Sidecar;

  beforeAll(async () => {
    zipkin = await startZipkinReceiver();
    const config = join(home.path, 'tracing.yaml');
    writeFileSync(config, tracingConfiguration(zipkin.url));
    app = await startEchoApp('traced');
    [echo, caller] = await Promise.all([
      startSidecar({ appId: 'echo', appPort: app.port, home: home.path, args: [...grpcAppArgs, '--config', config] }),
      startSidecar({ appId: 'caller', home: home.path, args: ['--config', config, '--enable-api-logging'] }),
    ]);
  });

  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all([echo?.stop(), caller?.stop()]);
    await app?.stop();
    await zipkin?.close();
    await stopAll();
    home.remove();
  });

  it('gives one trace: caller sidecar CLIENT span -> callee sidecar SERVER span -> the app; API logging names the call', async () => {
    const traceId = 'a1'.repeat(16);
    const parent = 'b2'.repeat(8);
    const r = await unary(dial(caller.grpcPort), 'Unary', { text: 't' }, md({ 'dapr-app-id': 'echo', traceparent: `00-${traceId}-${parent}-01` }));
    expect(r.res).toEqual({ text: 'traced:t', n: 1 });
    const spans = await waitFor('both sidecars to export their span', () => {
      const s = zipkin.spans.filter((x) => x.traceId === traceId);
      return s.length >= 2 ? s : undefined;
    });
    const client = spans.find((x) => x.localEndpoint?.serviceName === 'caller');
    const server = spans.find((x) => x.localEndpoint?.serviceName === 'echo');
    expect(client).toMatchObject({ kind: 'CLIENT', parentId: parent, name: '/acme.echo.Echo/Unary' });
    expect(client?.tags).toMatchObject({ 'rpc.system': 'grpc', 'rpc.service': 'acme.echo.Echo', 'rpc.method': 'Unary', 'dapr.status_code': '0' });
    expect(server).toMatchObject({ kind: 'SERVER', parentId: client?.id, name: '/acme.echo.Echo/Unary' });
    expect(seen.metadata[seen.metadata.length - 1]?.traceparent).toBe(`00-${traceId}-${server?.id}-01`);
    // API logging names proxied calls by their path, as daprd.
    await caller.process.waitForOutput(/gRPC API Called[^\n]*\/acme\.echo\.Echo\/Unary|\/acme\.echo\.Echo\/Unary[^\n]*gRPC API Called/);
  });
});

afterAll(() => dir.remove());
