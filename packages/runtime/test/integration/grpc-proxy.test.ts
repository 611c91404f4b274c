/**
 * Scenario (issue 15, gRPC proxying): an app serving its own gRPC service (acme.echo.Echo, from an
 * inline .proto) is called through the sidecars' gRPC ports with `dapr-app-id`: through its own
 * sidecar and through another one (sidecar-to-sidecar HTTP/2 on the internal port), unary and
 * every streaming kind, metadata in and out, status and trailers verbatim, deadline and
 * cancellation carried to the app, unknown app ids refused as daprd refuses them, the API token
 * enforced, and an access-control policy applied by the callee. Over mTLS: grpc-proxy-mtls; with
 * tracing: grpc-proxy-tracing.
 */
import { Metadata, status } from '@grpc/grpc-js';
import { freePort, startSidecar, stopAll, tempDir, waitFor, type Sidecar } from '@minidapr/testkit';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeDetail, decodeStatus } from '../../src/api/grpc/status';
import { bidi, client, clients, clientStream, dial, Echo, grpcAppArgs, Locked, md, protoDir, seen, serverStream, startEchoApp, unary, type Msg } from '../support/grpc-proxy';

jest.setTimeout(60000);

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

afterAll(() => protoDir.remove());
