/**
 * Scenario (issue 14): `spec.tracing.otel` with `protocol: http` and a host:port endpoint sends the
 * spans as OTLP/HTTP protobuf to <endpoint>/v1/traces, as daprd does.
 */
import { startSidecar, stopAll, tempDir, waitFor, type Sidecar } from '@minidapr/testkit';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

jest.setTimeout(30000);

const cfg = tempDir('minidapr-cfg-');
const posts: Array<{ url?: string; type?: string; body: Buffer }> = [];
let server: http.Server;
let sidecar: Sidecar;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({ url: req.url, type: req.headers['content-type'], body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  cfg.write({
    'config.yaml': `apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: otel\nspec:\n  tracing:\n    samplingRate: "1"\n    otel:\n      endpointAddress: "127.0.0.1:${port}"\n      isSecure: false\n      protocol: http\n`,
  });
  sidecar = await startSidecar({ appId: 'otlp-app', args: ['--config', `${cfg.path}/config.yaml`] });
});

afterAll(async () => {
  await sidecar?.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await stopAll();
  cfg.remove();
});

it('posts protobuf spans to /v1/traces carrying the app id and the span name', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/metadata`);
  expect(r.status).toBe(200);
  const post = await waitFor('an OTLP export', () => posts.find((p) => p.body.includes('/v1.0/metadata')));
  expect(post.url).toBe('/v1/traces');
  expect(post.type).toBe('application/x-protobuf');
  expect(post.body.includes('otlp-app')).toBe(true); // resource service.name
});
