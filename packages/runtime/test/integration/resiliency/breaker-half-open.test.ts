/**
 * Scenario (gobreaker's half-open state through invocation): once the breaker's timeout has passed,
 * exactly one probe reaches the app; a failing probe opens the breaker again at once (no retry gets
 * through), and the next probe after the timeout, succeeding, closes it.
 */
import { stopAll } from '@minidapr/testkit';
import { invokeHttp, newId, startFlakyHttpApp, startPair, type Pair } from '../../support/resiliency';

jest.setTimeout(30000);

const YAML = `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata:
  name: halfopen
spec:
  policies:
    retries:
      threeRetries:
        policy: constant
        duration: 10ms
        maxRetries: 3
    circuitBreakers:
      quickCB:
        maxRequests: 1
        timeout: 1s
        trip: consecutiveFailures >= 2
  targets:
    apps:
      resiliencyapp:
        retry: threeRetries
        circuitBreaker: quickCB
`;

let pair: Pair;

beforeAll(async () => {
  pair = await startPair({ app: await startFlakyHttpApp(), calleeId: 'resiliencyapp', yaml: YAML });
});

afterAll(async () => {
  await pair?.stop();
  await stopAll();
});

const openedAt = async (id: string): Promise<number> => {
  const r = await invokeHttp(pair.caller, 'resiliencyapp', { id, maxFailureCount: 100 });
  expect(r.status).toBe(500);
  return Date.now();
};

it('lets one probe through after the timeout; a failed probe reopens, a good one closes', async () => {
  const id = newId();
  // 2 failures trip it; the third attempt meets the open breaker.
  const t0 = await openedAt(id);
  expect(pair.app.count(id)).toBe(2);

  await new Promise((r) => setTimeout(r, Math.max(0, t0 + 1100 - Date.now())));
  // Half-open: the probe fails, the breaker opens again and the retries are refused.
  const r1 = await invokeHttp(pair.caller, 'resiliencyapp', { id, maxFailureCount: 100 });
  expect(r1.status).toBe(500);
  expect(pair.app.count(id)).toBe(3);
  const blocked = await invokeHttp(pair.caller, 'resiliencyapp', { id: newId(), maxFailureCount: 100 });
  expect(blocked.body).toContain('circuit breaker is open');
  const t1 = Date.now();

  await new Promise((r) => setTimeout(r, Math.max(0, t1 + 1100 - Date.now())));
  const ok = newId('ok');
  const r2 = await invokeHttp(pair.caller, 'resiliencyapp', { id: ok });
  expect(r2.status).toBe(200);
  // Closed again: a failure is retried as usual.
  const again = newId('again');
  expect((await invokeHttp(pair.caller, 'resiliencyapp', { id: again, maxFailureCount: 1 })).status).toBe(200);
  expect(pair.app.count(again)).toBe(2);
});
