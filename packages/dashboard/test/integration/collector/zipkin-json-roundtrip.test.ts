// Scenario: a Zipkin v2 JSON fixture posted to /api/v2/spans reads back through every GET endpoint
// with Zipkin's parameter semantics.
import { normalizeSpans, type DependencyLink, type ZipkinSpan } from '../../../src/index';
import { recentFixture, sorted } from '../../fixtures/spans';
import { getJson, startTestCollector, type TestCollector } from './helpers';

const INVOKE = '5af7183fb1d4cf5f9c3ad5b6e1f2a7c4';
const PUBLISH = '7d3e4f5a6b7c8d90';
const FAILED = 'e0f1a2b3c4d5e6f70718293a4b5c6d7e';

describe('Zipkin JSON round trip', () => {
  let c: TestCollector;
  let posted: ZipkinSpan[];
  const get = <T>(path: string): Promise<T> => getJson<T>(c.zipkin, path);
  const traceIds = async (query: string): Promise<string[]> => (await get<ZipkinSpan[][]>(`/api/v2/traces${query}`)).map((t) => t[0]!.traceId);

  beforeAll(async () => {
    c = await startTestCollector();
    posted = recentFixture().spans;
    const res = await fetch(`${c.zipkin}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(posted) });
    expect(res.status).toBe(202);
  });
  afterAll(() => c.close());

  it('lists services, span names and remote services', async () => {
    expect(await get('/api/v2/services')).toEqual(['checkout', 'order-processor']);
    expect(await get('/api/v2/spans?serviceName=order-processor')).toEqual(['calllocal/order-processor/orders', 'deliver orders', 'post /v1.0/state/statestore']);
    expect(await get('/api/v2/spans?serviceName=ORDER-PROCESSOR')).toEqual(['calllocal/order-processor/orders', 'deliver orders', 'post /v1.0/state/statestore']);
    expect(await get('/api/v2/remoteServices?serviceName=checkout')).toEqual(['order-processor', 'orderpubsub', 'statestore']);
    expect(await get('/api/v2/spans?serviceName=nobody')).toEqual([]);
  });

  it('returns a trace by id, equal to what was posted, and 404 for an unknown one', async () => {
    expect(sorted(await get<ZipkinSpan[]>(`/api/v2/trace/${INVOKE}`))).toEqual(sorted(normalizeSpans(posted.filter((s) => s.traceId === INVOKE))));
    expect((await get<ZipkinSpan[]>(`/api/v2/trace/${PUBLISH.toUpperCase()}`))).toHaveLength(3);
    expect(await get<ZipkinSpan[]>(`/api/v2/trace/0000000000000000${PUBLISH}`)).toHaveLength(3);
    const missing = await fetch(`${c.zipkin}/api/v2/trace/00000000000000ff`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('00000000000000ff');
  });

  it('returns several traces by id with traceMany, skipping unknown ids', async () => {
    const traces = await get<ZipkinSpan[][]>(`/api/v2/traceMany?traceIds=${INVOKE},${PUBLISH},abc`);
    expect(traces.map((t) => t.length)).toEqual([4, 3]);
  });

  it('queries traces newest first with Zipkin semantics', async () => {
    expect(await traceIds('')).toEqual([FAILED, PUBLISH, INVOKE]);
    expect(await traceIds('?limit=2')).toEqual([FAILED, PUBLISH]);
    expect(await traceIds('?serviceName=order-processor')).toEqual([PUBLISH, INVOKE]);
    expect(await traceIds('?serviceName=checkout&remoteServiceName=statestore')).toEqual([FAILED]);
    expect(await traceIds('?serviceName=order-processor&remoteServiceName=statestore')).toEqual([INVOKE]);
    expect(await traceIds('?spanName=deliver%20orders')).toEqual([PUBLISH]);
    expect(await traceIds('?serviceName=checkout&spanName=deliver%20orders')).toEqual([]);
    expect(await traceIds('?spanName=all&serviceName=checkout')).toEqual([FAILED, PUBLISH, INVOKE]);
    expect(await traceIds(`?annotationQuery=${encodeURIComponent('error')}`)).toEqual([FAILED]);
    expect(await traceIds(`?annotationQuery=${encodeURIComponent('db.system=state and dapr.status_code=204')}`)).toEqual([INVOKE]);
    expect(await traceIds(`?annotationQuery=${encodeURIComponent('app.response.received')}`)).toEqual([INVOKE]);
    expect(await traceIds(`?serviceName=checkout&annotationQuery=${encodeURIComponent('app.response.received')}`)).toEqual([]);
    expect(await traceIds('?minDuration=10000')).toEqual([FAILED, INVOKE]);
    expect(await traceIds('?minDuration=10000&maxDuration=20000')).toEqual([INVOKE]);
    expect(await traceIds('?serviceName=order-processor&minDuration=10000')).toEqual([]);
  });

  it('windows traces with endTs and lookback in milliseconds', async () => {
    const publishRootMs = Math.floor(posted.find((s) => s.id === 'b1b2c3d4e5f60001')!.timestamp! / 1000);
    expect(await traceIds(`?endTs=${publishRootMs + 1}&lookback=2`)).toEqual([PUBLISH]);
    expect(await traceIds(`?endTs=${publishRootMs + 1}`)).toEqual([PUBLISH, INVOKE]);
    expect(await traceIds(`?endTs=${publishRootMs - 5000}`)).toEqual([]);
  });

  it('derives dependency links', async () => {
    const links = await get<DependencyLink[]>(`/api/v2/dependencies?endTs=${Date.now()}&lookback=3600000`);
    expect(links).toEqual([
      { parent: 'checkout', child: 'order-processor', callCount: 1, errorCount: 0 },
      { parent: 'checkout', child: 'orderpubsub', callCount: 1, errorCount: 0 },
      { parent: 'checkout', child: 'statestore', callCount: 1, errorCount: 1 },
      { parent: 'order-processor', child: 'statestore', callCount: 1, errorCount: 0 },
      { parent: 'orderpubsub', child: 'order-processor', callCount: 1, errorCount: 0 },
    ]);
    expect(await get(`/api/v2/dependencies?endTs=${Date.now() - 7_200_000}&lookback=3600000`)).toEqual([]);
  });

  it('answers autocomplete and health like Zipkin', async () => {
    expect(await get('/api/v2/autocompleteKeys')).toEqual([]);
    expect(await get('/api/v2/autocompleteValues?key=http.method')).toEqual([]);
    expect(await get('/health')).toMatchObject({ status: 'UP', zipkin: { status: 'UP' } });
  });
});
