/**
 * Scenario (issue 16 with tracing on): the caller sidecar samples every call and exports to a Zipkin
 * receiver; an invocation its Resiliency retries (HTTP 500 three times, then a success) leaves the
 * retries on the caller's span: `dapr.resiliency.attempts` (attempts started) and
 * `dapr.resiliency.last_failure` (why the last retried attempt failed). Over HTTP and InvokeService.
 */
import { stopAll, tempDir, waitFor } from '@minidapr/testkit';
import { DaprGrpc } from '../../support/grpc-invoke';
import { invokeHttp, newId, resiliencyYaml, startFlakyHttpApp, startPair, type Pair } from '../../support/resiliency-invoke';
import { startZipkinReceiver, tracingConfiguration, type RecordedSpan, type ZipkinReceiver } from '../tracing/zipkin-receiver';

jest.setTimeout(30000);

const cfg = tempDir('minidapr-cfg-');
let zipkin: ZipkinReceiver;
let pair: Pair;
let grpc: DaprGrpc;

beforeAll(async () => {
  zipkin = await startZipkinReceiver();
  cfg.write({ 'config.yaml': tracingConfiguration(zipkin.url) });
  pair = await startPair({ app: await startFlakyHttpApp(), calleeId: 'resiliencyapp', yaml: resiliencyYaml({ apps: ['resiliencyapp'] }), callerArgs: ['--config', `${cfg.path}/config.yaml`] });
  grpc = new DaprGrpc(pair.caller.grpcPort);
});

afterAll(async () => {
  grpc?.close();
  await pair?.stop();
  await zipkin?.close();
  await stopAll();
  cfg.remove();
});

/** The caller sidecar's span of one trace, once exported. */
function callerSpan(traceId: string): Promise<RecordedSpan> {
  return waitFor(`the caller's span of trace ${traceId}`, () => zipkin.spans.find((s) => s.traceId === traceId && s.localEndpoint?.serviceName === 'caller'), { timeoutMs: 10_000, intervalMs: 100 });
}

it('an HTTP invocation retried 3 times: its CLIENT span says 4 attempts, the last failure HTTP 500', async () => {
  const id = newId();
  const r = await invokeHttp(pair.caller, 'resiliencyapp', { id, maxFailureCount: 3 });
  expect(r.status).toBe(200);
  expect(pair.app.count(id)).toBe(4);
  const traceId = (r.headers.get('traceparent') ?? '').split('-')[1] ?? '';
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  const span = await callerSpan(traceId);
  expect(span.name).toBe('CallLocal/resiliencyapp/resiliencyInvocation');
  expect(span.kind).toBe('CLIENT');
  expect(span.tags).toMatchObject({ 'dapr.resiliency.attempts': '4', 'dapr.resiliency.last_failure': 'HTTP status 500', 'dapr.status_code': '200' });
});

it('an InvokeService call retried twice: its span says 3 attempts', async () => {
  const id = newId();
  const traceId = 'a1'.repeat(16);
  const r = await grpc.invoke('resiliencyapp', { method: 'resiliencyInvocation', data: JSON.stringify({ id, maxFailureCount: 2 }), verb: 3, metadata: { traceparent: `00-${traceId}-${'b2'.repeat(8)}-01` } });
  expect(r.err).toBeUndefined();
  expect(pair.app.count(id)).toBe(3);
  const span = await callerSpan(traceId);
  expect(span.tags?.['dapr.resiliency.attempts']).toBe('3');
});
