/**
 * Scenario (daprd onDirectMessage/InvokeService): a call to the sidecar's own app id gets the
 * app's user policy too (daprd looks the policy up before it knows the call stays local), but
 * never the built-in sidecar-to-sidecar retries.
 */
import { startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';
import { DaprGrpc } from '../../support/grpc-invoke';
import { invokeHttp, newId, resiliencyYaml, startFlakyHttpApp, type FlakyApp } from '../../support/resiliency-invoke';

jest.setTimeout(30000);

let app: FlakyApp;
let sidecar: Sidecar;
let client: DaprGrpc;

beforeAll(async () => {
  app = await startFlakyHttpApp();
  sidecar = await startSidecar({ appId: 'resiliencyapp', appPort: app.port, resources: { 'resiliency.yaml': resiliencyYaml({ apps: ['resiliencyapp'] }) } });
  client = new DaprGrpc(sidecar.grpcPort);
});

afterAll(async () => {
  client?.close();
  await sidecar?.stop();
  await app?.close();
  await stopAll();
});

it('retries an HTTP call to the own app: recovers after 3 failures in 4 calls', async () => {
  const id = newId();
  const r = await invokeHttp(sidecar, 'resiliencyapp', { id, maxFailureCount: 3 });
  expect(r.status).toBe(200);
  expect(app.count(id)).toBe(4);
});

it('cuts slow own-app attempts at the 500ms timeout: 4 calls', async () => {
  const id = newId();
  const r = await invokeHttp(sidecar, 'resiliencyapp', { id, maxFailureCount: 3, timeoutMs: 2000 });
  expect(r.status).toBe(200);
  expect(app.count(id)).toBe(4);
});

it('retries an InvokeService call to the own app: 6 calls on 10 failures', async () => {
  const id = newId();
  const r = await client.invoke('resiliencyapp', { method: 'resiliencyInvocation', data: JSON.stringify({ id, maxFailureCount: 10 }), verb: 3 });
  expect(r.err?.code).toBe(2);
  expect(app.count(id)).toBe(6);
});
