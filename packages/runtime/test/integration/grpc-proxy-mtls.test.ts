/**
 * Scenario (issue 15, gRPC proxying over mTLS): with mTLS on, a proxied call goes between the
 * sidecars over TLS with ALPN h2, the callee takes the caller's identity from its certificate
 * (never from the metadata), and the internal port refuses HTTP/2 peers without a client
 * certificate from the trust root.
 */
import { credentials, status } from '@grpc/grpc-js';
import { startSidecar, stopAll, tempDir, type Sidecar } from '@minidapr/testkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initMtlsHome, MTLS_CONFIG } from '../support/mtls';
import { bidi, client, clients, dial, Echo, grpcAppArgs, md, protoDir, seen, startEchoApp, unary } from '../support/grpc-proxy';

jest.setTimeout(60000);

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

afterAll(() => protoDir.remove());
