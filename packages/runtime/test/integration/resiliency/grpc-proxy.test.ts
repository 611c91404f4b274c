/**
 * Scenario (Dapr TestServiceInvocationResiliency "grpc_proxy", TestResiliencyCircuitBreakers, and
 * tests/integration resiliency/apps/retrymatchinggrpc): a gRPC app reached through the caller's
 * gRPC port with `dapr-app-id` (proxying). The target's policy applies with its `gRPCStatusCodes`:
 * code 2 is retried, others come back after one call; the breaker trips after 16 failures.
 */
import { stopAll } from '@minidapr/testkit';
import { newId, proxyClient, resiliencyYaml, startFlakyGrpcApp, startPair, type Pair } from '../../support/resiliency-invoke';

jest.setTimeout(30000);

let pair: Pair;
let client: ReturnType<typeof proxyClient>;

beforeAll(async () => {
  pair = await startPair({ app: await startFlakyGrpcApp(), calleeId: 'resiliencyappgrpc', yaml: resiliencyYaml({ apps: ['resiliencyappgrpc'], breakerTimeout: '1s' }), grpcApp: true });
  client = proxyClient(pair.caller);
});

afterAll(async () => {
  client?.close();
  await pair?.stop();
  await stopAll();
});

it('recovers after 3 failures with code 2: 4 calls', async () => {
  const id = newId();
  const r = await client.onInvoke('resiliencyappgrpc', { id, maxFailureCount: 3 });
  expect(r.err).toBeUndefined();
  expect(JSON.parse(r.data ?? '')).toEqual({ id, calls: 4 });
  expect(pair.app.count(id)).toBe(4);
});

it('recovers from a 2 s sleep on the first 3 calls with a 500ms timeout: 4 calls', async () => {
  const id = newId();
  const r = await client.onInvoke('resiliencyappgrpc', { id, maxFailureCount: 3, timeoutMs: 2000 });
  expect(r.err).toBeUndefined();
  expect(pair.app.count(id)).toBe(4);
});

it('exhausts the retries on 10 failures with code 2: 6 calls, the last status verbatim', async () => {
  const id = newId();
  const r = await client.onInvoke('resiliencyappgrpc', { id, maxFailureCount: 10 });
  expect(r.err?.code).toBe(2);
  expect(r.err?.details).toBe('forced failure 6');
  expect(pair.app.count(id)).toBe(6);
});

it('returns a code the matching does not list (5 NOT_FOUND) after 1 call', async () => {
  const id = newId();
  const r = await client.onInvoke('resiliencyappgrpc', { id, maxFailureCount: 10, responseCode: 5 });
  expect(r.err?.code).toBe(5);
  expect(pair.app.count(id)).toBe(1);
});

it('trips the breaker after 16 calls; the next call fails with "circuit breaker is open" and reaches nothing', async () => {
  // A passing call first: the earlier scenarios' failures no longer count as consecutive.
  expect((await client.onInvoke('resiliencyappgrpc', { id: newId('warm') })).err).toBeUndefined();
  const id = newId();
  for (let i = 0; i < 3; i++) expect((await client.onInvoke('resiliencyappgrpc', { id, maxFailureCount: 20 })).err?.code).toBe(2);
  expect(pair.app.count(id)).toBe(16);
  const r = await client.onInvoke('resiliencyappgrpc', { id, maxFailureCount: 20 });
  expect(r.err?.code).toBe(2);
  expect(r.err?.details).toBe('circuit breaker is open');
  expect(pair.app.count(id)).toBe(16);
});
