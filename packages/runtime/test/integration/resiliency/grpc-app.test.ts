/**
 * Scenario (Dapr TestServiceInvocationResiliency, "grpc"): a gRPC app (--app-protocol grpc) behind
 * its sidecar, called with InvokeService through the caller's gRPC port, and over HTTP. As daprd:
 * InvokeService retries every answer that is not OK (its status errors carry no code the policy's
 * `matching` could read), HTTP callers get the gRPC app's status mapped and never retried.
 */
import { stopAll } from '@minidapr/testkit';
import { DaprGrpc } from '../../support/grpc-invoke';
import { invokeHttp, newId, resiliencyYaml, startFlakyGrpcApp, startPair, type FailureMessage, type Pair } from '../../support/resiliency-invoke';

jest.setTimeout(30000);

let pair: Pair;
let client: DaprGrpc;

beforeAll(async () => {
  pair = await startPair({ app: await startFlakyGrpcApp(), calleeId: 'resiliencyappgrpc', yaml: resiliencyYaml({ apps: ['resiliencyappgrpc'] }), grpcApp: true });
  client = new DaprGrpc(pair.caller.grpcPort);
});

afterAll(async () => {
  client?.close();
  await pair?.stop();
  await stopAll();
});

const invoke = (m: FailureMessage) => client.invoke('resiliencyappgrpc', { method: 'grpcInvoke', data: JSON.stringify(m) });

it('recovers after 3 failures (UNKNOWN): 4 calls', async () => {
  const id = newId();
  const r = await invoke({ id, maxFailureCount: 3 });
  expect(r.err).toBeUndefined();
  expect(JSON.parse(r.res?.data?.value.toString() ?? '')).toEqual({ id, calls: 4 });
  expect(pair.app.count(id)).toBe(4);
});

it('recovers from a 2 s sleep on the first 3 calls with a 500ms timeout: 4 calls', async () => {
  const id = newId();
  const r = await invoke({ id, maxFailureCount: 3, timeoutMs: 2000 });
  expect(r.err).toBeUndefined();
  expect(pair.app.count(id)).toBe(4);
});

it('exhausts the retries on 10 failures: 6 calls, the last status back to the caller', async () => {
  const id = newId();
  const r = await invoke({ id, maxFailureCount: 10 });
  expect(r.err?.code).toBe(2);
  expect(r.err?.details).toBe('forced failure 6');
  expect(pair.app.count(id)).toBe(6);
});

it('retries a status outside gRPCStatusCodes too (daprd InvokeService applies no matching)', async () => {
  const id = newId();
  const r = await invoke({ id, maxFailureCount: 10, responseCode: 5 });
  expect(r.err?.code).toBe(5);
  expect(pair.app.count(id)).toBe(6);
});

it('answers an HTTP caller with the mapped status of the first failure, not retried (daprd relays it as an answer)', async () => {
  const id = newId();
  const r = await invokeHttp(pair.caller, 'resiliencyappgrpc', { id, maxFailureCount: 3 });
  expect(r.status).toBe(500);
  expect(JSON.parse(r.body)).toMatchObject({ code: 2, message: 'forced failure 1' });
  expect(pair.app.count(id)).toBe(1);
});

it('cuts an HTTP caller\'s slow attempts at the timeout and retries them: 4 calls', async () => {
  const id = newId();
  const r = await invokeHttp(pair.caller, 'resiliencyappgrpc', { id, maxFailureCount: 3, timeoutMs: 2000 });
  expect(r.status).toBe(200);
  expect(pair.app.count(id)).toBe(4);
});

it('fails an unknown app id with INTERNAL, reaching no app', async () => {
  const id = newId();
  const r = await client.invoke('nosuchapp', { method: 'grpcInvoke', data: JSON.stringify({ id }) });
  expect(r.err?.code).toBe(13);
  expect(r.err?.details).toContain('id: nosuchapp');
  expect(pair.app.count(id)).toBe(0);
});
