/**
 * Scenario (Dapr TestResiliencyCircuitBreakers, HTTP): the breaker trips after more than 15
 * consecutive failures; 3 requests retried 5 times each reach the app 16 times in all, then a
 * request fails at once with "circuit breaker is open" without reaching it. After the breaker's
 * timeout (1s here) one probe goes through and, succeeding, closes it. The breaker is the method's
 * (daprd: one per app and method, whichever API the caller used): another method still gets through.
 */
import { stopAll, waitFor } from '@minidapr/testkit';
import { DaprGrpc } from '../../support/grpc-invoke';
import { invokeHttp, newId, resiliencyYaml, startFlakyHttpApp, startPair, type Pair } from '../../support/resiliency-invoke';

jest.setTimeout(30000);

let pair: Pair;
let grpc: DaprGrpc;

beforeAll(async () => {
  pair = await startPair({ app: await startFlakyHttpApp(), calleeId: 'resiliencyapp', yaml: resiliencyYaml({ apps: ['resiliencyapp'], breakerTimeout: '1s' }) });
  grpc = new DaprGrpc(pair.caller.grpcPort);
});

afterAll(async () => {
  grpc?.close();
  await pair?.stop();
  await stopAll();
});

it('trips after 16 failed calls, then fails fast without reaching the app, and a probe closes it after the timeout', async () => {
  // A passing call first: the breaker starts closed.
  const warm = newId('warm');
  expect((await invokeHttp(pair.caller, 'resiliencyapp', { id: warm })).status).toBe(200);

  const id = newId();
  for (let i = 0; i < 3; i++) {
    const r = await invokeHttp(pair.caller, 'resiliencyapp', { id, maxFailureCount: 20 });
    expect(r.status).toBe(500);
  }
  expect(pair.app.count(id)).toBe(16);

  const blocked = await invokeHttp(pair.caller, 'resiliencyapp', { id, maxFailureCount: 20 });
  expect(blocked.status).toBe(500);
  expect(JSON.parse(blocked.body)).toEqual({ errorCode: 'ERR_DIRECT_INVOKE', message: 'failed to invoke, id: resiliencyapp, err: circuit breaker is open' });
  expect(pair.app.count(id)).toBe(16);
  // InvokeService to the same method meets the same open breaker.
  const viaGrpc = await grpc.invoke('resiliencyapp', { method: 'resiliencyInvocation', data: JSON.stringify({ id }), verb: 3 });
  expect(viaGrpc.err?.details).toContain('circuit breaker is open');
  expect(pair.app.count(id)).toBe(16);
  // Another method has its own breaker, closed: over HTTP and gRPC it reaches the app.
  const other = newId('other');
  expect((await invokeHttp(pair.caller, 'resiliencyapp', { id: other }, 'otherMethod')).status).toBe(200);
  expect((await grpc.invoke('resiliencyapp', { method: 'otherMethod', data: JSON.stringify({ id: other }), verb: 3 })).err).toBeUndefined();
  expect(pair.app.count(other)).toBe(2);

  // Half-open after 1s: one probe reaches the app; its success closes the breaker.
  const probe = newId('probe');
  await waitFor('the breaker to let a probe through', async () => (await invokeHttp(pair.caller, 'resiliencyapp', { id: probe })).status === 200, { timeoutMs: 5000, intervalMs: 100 });
  expect(pair.app.count(probe)).toBe(1);
  const after = newId('after');
  const r = await invokeHttp(pair.caller, 'resiliencyapp', { id: after, maxFailureCount: 1 });
  expect(r.status).toBe(200);
  expect(pair.app.count(after)).toBe(2);
});
