/** Scenario: every invocation error case answers with Dapr's code and status, and the sidecar survives. */
import net from 'node:net';
import { componentYaml, freePort, startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

let sidecar: Sidecar;
let deadAppPort: number;

beforeAll(async () => {
  deadAppPort = await freePort();
  // The app port never opens: the API works, /v1.0/healthz is not ready, invocations fail cleanly.
  sidecar = await startSidecar({
    appId: 'lonely',
    appPort: deadAppPort,
    waitFor: 'outbound',
    resources: { 'statestore.yaml': componentYaml('statestore', 'state.in-memory') },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
});

async function json(r: Response): Promise<{ errorCode: string; message: string }> {
  return (await r.json()) as { errorCode: string; message: string };
}

it('404 ERR_DIRECT_INVOKE without an app id', async () => {
  const r = await fetch(`${sidecar.url}/some/route`, { method: 'POST' });
  expect(r.status).toBe(404);
  expect((await json(r)).errorCode).toBe('ERR_DIRECT_INVOKE');
});

it('500 ERR_DIRECT_INVOKE naming an unknown app', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/invoke/ghost/method/x`);
  expect(r.status).toBe(500);
  expect((await json(r)).message).toContain('ghost');
});

it('500 ERR_DIRECT_INVOKE when the app does not listen', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/invoke/lonely/method/x`);
  expect(r.status).toBe(500);
  const body = await json(r);
  expect(body.errorCode).toBe('ERR_DIRECT_INVOKE');
  expect(body.message).toContain('ECONNREFUSED');
});

it('reports not ready on /v1.0/healthz while the app port is closed', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/healthz`);
  expect(r.status).toBe(500);
  expect((await json(r)).errorCode).toBe('ERR_HEALTH_NOT_READY');
  expect((await fetch(`${sidecar.url}/v1.0/healthz/outbound`)).status).toBe(204);
});

it('400 ERR_MALFORMED_REQUEST for malformed JSON where JSON is required', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/state/statestore`, { method: 'POST', body: '[{"key":' });
  expect(r.status).toBe(400);
  expect((await json(r)).errorCode).toBe('ERR_MALFORMED_REQUEST');
});

it('413 for a body over --max-body-size, 431 for headers over --read-buffer-size', async () => {
  const big = await fetch(`${sidecar.url}/v1.0/invoke/lonely/method/x`, { method: 'POST', body: Buffer.alloc(5 * 1024 * 1024) });
  expect(big.status).toBe(413);
  const r = await fetch(`${sidecar.url}/v1.0/metadata`, { headers: { 'x-big': 'y'.repeat(8 * 1024) } });
  expect(r.status).toBe(431);
});

it('survives garbage on the wire', async () => {
  await new Promise<void>((resolve) => {
    const s = net.connect(sidecar.httpPort, '127.0.0.1', () => s.end('NOT HTTP AT ALL\r\n\r\n\0\0\0'));
    s.on('close', () => resolve());
    s.on('error', () => resolve());
    s.resume();
  });
  const r = await fetch(`${sidecar.url}/v1.0/metadata`);
  expect(r.status).toBe(200);
});
