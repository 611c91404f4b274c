/**
 * Scenario (daprd tests/integration serviceinvocation/http/streaming resiliencynoretry and
 * circuitbreaker): a chunked request body is streamed, never buffered, so a failing answer is not
 * retried (1 call) but goes back as it came and still counts for the breaker; the same body with a
 * Content-Length is replayed (6 calls).
 */
import { stopAll } from '@minidapr/testkit';
import { newId, resiliencyYaml, startFlakyHttpApp, startPair, type FailureMessage, type Pair } from '../../support/resiliency-invoke';

jest.setTimeout(30000);

let pair: Pair;

beforeAll(async () => {
  pair = await startPair({ app: await startFlakyHttpApp(), calleeId: 'resiliencyapp', yaml: resiliencyYaml({ apps: ['resiliencyapp'] }) });
});

afterAll(async () => {
  await pair?.stop();
  await stopAll();
});

/** The message as a chunked body (a stream: fetch sends no Content-Length). */
function chunked(m: FailureMessage): RequestInit {
  const bytes = new TextEncoder().encode(JSON.stringify(m));
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes.slice(0, 5));
      c.enqueue(bytes.slice(5));
      c.close();
    },
  });
  return { method: 'POST', body, duplex: 'half' } as RequestInit;
}

it('does not retry a chunked request: 1 call, the app answer relayed', async () => {
  const id = newId();
  const r = await fetch(`${pair.caller.url}/v1.0/invoke/resiliencyapp/method/resiliencyInvocation`, chunked({ id, maxFailureCount: 10 }));
  expect(r.status).toBe(500);
  expect(await r.text()).toBe('failure 1');
  expect(pair.app.count(id)).toBe(1);
});

it('replays the same body sent with a Content-Length: 6 calls', async () => {
  const id = newId();
  const r = await fetch(`${pair.caller.url}/v1.0/invoke/resiliencyapp/method/resiliencyInvocation`, { method: 'POST', body: JSON.stringify({ id, maxFailureCount: 10 }) });
  expect(r.status).toBe(500);
  expect(await r.text()).toBe('failure 6');
  expect(pair.app.count(id)).toBe(6);
});

it('counts streamed failures for the breaker: 16 of them open it', async () => {
  expect((await fetch(`${pair.caller.url}/v1.0/invoke/resiliencyapp/method/resiliencyInvocation`, { method: 'POST', body: JSON.stringify({ id: newId('warm') }) })).status).toBe(200);
  const id = newId();
  for (let i = 0; i < 16; i++) expect((await fetch(`${pair.caller.url}/v1.0/invoke/resiliencyapp/method/resiliencyInvocation`, chunked({ id, maxFailureCount: 100 }))).status).toBe(500);
  expect(pair.app.count(id)).toBe(16);
  const r = await fetch(`${pair.caller.url}/v1.0/invoke/resiliencyapp/method/resiliencyInvocation`, chunked({ id, maxFailureCount: 100 }));
  expect(await r.text()).toContain('circuit breaker is open');
  expect(pair.app.count(id)).toBe(16);
});
