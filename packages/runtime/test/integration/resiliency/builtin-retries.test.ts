/**
 * Scenario (daprd invokeWithRetry): with no policy for the target app, a sidecar-to-sidecar
 * transport failure is retried by the built-in DaprBuiltInServiceRetries (3 retries, 1 s apart);
 * once a Resiliency targets the app, its policy replaces them. The "peer" here is a TCP server
 * registered as the app's sidecar that resets every connection and counts them.
 */
import { startSidecar, stopAll, tempDir, type Sidecar } from '@minidapr/testkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { DaprGrpc } from '../../support/grpc-invoke';

jest.setTimeout(30000);

const home = tempDir('minidapr-home-');
let resetter: net.Server;
const connections = new Map<string, number>();
let caller: Sidecar;

const YAML = `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata:
  name: targeted
spec:
  policies:
    retries:
      oneRetry:
        policy: constant
        duration: 10ms
        maxRetries: 1
  targets:
    apps:
      targeted:
        retry: oneRetry
`;

/** Registers `appId` as served by the resetter (this test process is the live pid the registry wants). */
function register(appId: string, port: number, pidSlot: number): void {
  const dir = join(home.path, 'instances');
  mkdirSync(dir, { recursive: true });
  const entry = { appId, pid: process.pid, host: '127.0.0.1', httpPort: port, internalPort: port, grpcPort: port, appProtocol: 'http', startedAt: new Date().toISOString(), runtimeVersion: '0', cwd: '.', resourcesPaths: [], configPaths: [], extended: {} };
  writeFileSync(join(dir, `${process.pid}-${pidSlot}.json`), JSON.stringify(entry));
}

beforeAll(async () => {
  resetter = net.createServer((sock) => {
    sock.once('data', (d) => {
      const app = /dapr-callee-app-id: ([\w-]+)/i.exec(d.toString())?.[1] ?? '?';
      connections.set(app, (connections.get(app) ?? 0) + 1);
      sock.resetAndDestroy();
    });
  });
  await new Promise<void>((r) => resetter.listen(0, '127.0.0.1', r));
  const port = (resetter.address() as net.AddressInfo).port;
  register('untargeted', port, 1);
  register('targeted', port, 2);
  caller = await startSidecar({ appId: 'caller', home: home.path, resources: { 'resiliency.yaml': YAML } });
});

afterAll(async () => {
  await caller?.stop();
  await new Promise((r) => resetter?.close(r));
  await stopAll();
  home.remove();
});

it('retries an unreachable peer 3 times, 1 s apart, when no policy targets the app', async () => {
  const started = Date.now();
  const r = await fetch(`${caller.url}/v1.0/invoke/untargeted/method/x`, { method: 'POST', body: 'x' });
  expect(r.status).toBe(500);
  expect(((await r.json()) as { errorCode: string }).errorCode).toBe('ERR_DIRECT_INVOKE');
  expect(connections.get('untargeted')).toBe(4);
  expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
});

it('uses only the targeting policy (1 retry, 10ms) when one exists: the built-in retries are off', async () => {
  const started = Date.now();
  const r = await fetch(`${caller.url}/v1.0/invoke/targeted/method/x`, { method: 'POST', body: 'x' });
  expect(r.status).toBe(500);
  expect(connections.get('targeted')).toBe(2);
  expect(Date.now() - started).toBeLessThan(900);
});

it('does the same for a gRPC caller (InvokeService): 4 connections without a policy, 2 with it', async () => {
  const client = new DaprGrpc(caller.grpcPort);
  try {
    const before = { untargeted: connections.get('untargeted') ?? 0, targeted: connections.get('targeted') ?? 0 };
    const a = await client.invoke('untargeted', { method: 'x', data: 'x' });
    expect(a.err?.code).toBe(13);
    expect((connections.get('untargeted') ?? 0) - before.untargeted).toBe(4);
    const b = await client.invoke('targeted', { method: 'x', data: 'x' });
    expect(b.err?.code).toBe(13);
    expect((connections.get('targeted') ?? 0) - before.targeted).toBe(2);
  } finally {
    client.close();
  }
});
