/**
 * Scenario (Dapr TestServiceInvocationResiliency, HTTP): a caller sidecar invokes an HTTP app whose
 * Resiliency targets it (timeout 500ms, 5 retries 10ms apart matching HTTP 500, breaker after 15
 * consecutive failures); the app fails as each request asks and counts its calls exactly.
 */
import { stopAll } from '@minidapr/testkit';
import { invokeHttp, newId, resiliencyYaml, startFlakyHttpApp, startPair, type Pair } from '../../support/resiliency';

jest.setTimeout(30000);

let pair: Pair;

beforeAll(async () => {
  pair = await startPair({ app: await startFlakyHttpApp(), calleeId: 'resiliencyapp', yaml: resiliencyYaml({ apps: ['resiliencyapp'] }) });
});

afterAll(async () => {
  await pair?.stop();
  await stopAll();
});

it('recovers after 3 failures: the app sees 4 calls and the caller the success', async () => {
  const id = newId();
  const r = await invokeHttp(pair.caller, 'resiliencyapp', { id, maxFailureCount: 3 });
  expect(r.status).toBe(200);
  expect(JSON.parse(r.body)).toEqual({ id, calls: 4 });
  expect(pair.app.count(id)).toBe(4);
});

it('recovers from a 2 s sleep on the first 3 calls with a 500ms timeout: 4 calls', async () => {
  const id = newId();
  const started = Date.now();
  const r = await invokeHttp(pair.caller, 'resiliencyapp', { id, maxFailureCount: 3, timeoutMs: 2000 });
  expect(r.status).toBe(200);
  expect(pair.app.count(id)).toBe(4);
  // Three attempts cut at 500ms each, not three 2 s sleeps.
  expect(Date.now() - started).toBeLessThan(4000);
});

it('exhausts 5 retries on 10 failures: 6 calls, and the last answer of the app goes back as it came', async () => {
  const id = newId();
  const r = await invokeHttp(pair.caller, 'resiliencyapp', { id, maxFailureCount: 10 });
  expect(r.status).toBe(500);
  expect(r.body).toBe('failure 6');
  expect(r.headers.get('x-attempt')).toBe('6');
  expect(r.headers.get('content-type')).toBe('text/plain');
  expect(pair.app.count(id)).toBe(6);
});

it('treats a status the matching does not list (404) as final: 1 call', async () => {
  const id = newId();
  const r = await invokeHttp(pair.caller, 'resiliencyapp', { id, maxFailureCount: 10, responseCode: 404 });
  expect(r.status).toBe(404);
  expect(r.body).toBe('failure 1');
  expect(pair.app.count(id)).toBe(1);
});

it('fails a call to an app id nobody serves with 500 ERR_DIRECT_INVOKE, reaching no app', async () => {
  const id = newId();
  const r = await invokeHttp(pair.caller, 'nosuchapp', { id, maxFailureCount: 3 });
  expect(r.status).toBe(500);
  expect(JSON.parse(r.body)).toMatchObject({ errorCode: 'ERR_DIRECT_INVOKE', message: expect.stringContaining('id: nosuchapp') });
  expect(pair.app.count(id)).toBe(0);
});
