/**
 * Scenario (issue 15, gRPC proxying with tracing): a proxied call gives one trace, the caller
 * sidecar's CLIENT span, then the callee sidecar's SERVER span, then the app (which gets that
 * span's traceparent), exported to a Zipkin receiver; API logging names the call by its path.
 */
import { startSidecar, stopAll, tempDir, waitFor, type Sidecar } from '@minidapr/testkit';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clients, dial, grpcAppArgs, md, protoDir, seen, startEchoApp, unary } from '../support/grpc-proxy';
import { startZipkinReceiver, tracingConfiguration, type ZipkinReceiver } from './tracing/zipkin-receiver';

jest.setTimeout(60000);

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

afterAll(() => protoDir.remove());
