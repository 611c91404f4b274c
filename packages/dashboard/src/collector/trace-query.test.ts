import { parseAnnotationQuery, resolveTraceQuery, traceMatches, traceTimestamp } from './trace-query';
import type { ZipkinSpan } from './types';

const NOW_MS = 1_800_000_000_000;
const T = NOW_MS * 1000 - 60_000_000; // a minute ago, in µs

const trace: ZipkinSpan[] = [
  { traceId: 'a', id: '1', name: 'get /', kind: 'SERVER', timestamp: T, duration: 10_000, localEndpoint: { serviceName: 'frontend' }, tags: { 'http.method': 'GET' } },
  {
    traceId: 'a', id: '2', parentId: '1', name: 'call', kind: 'CLIENT', timestamp: T + 10, duration: 5_000,
    localEndpoint: { serviceName: 'frontend' }, remoteEndpoint: { serviceName: 'backend' },
  },
  {
    traceId: 'a', id: '3', parentId: '2', name: 'serve', kind: 'SERVER', timestamp: T + 20, duration: 4_000,
    localEndpoint: { serviceName: 'backend' }, annotations: [{ timestamp: T + 30, value: 'cache.miss' }], tags: { error: 'boom' },
  },
];

const matches = (q: Parameters<typeof resolveTraceQuery>[0]): boolean => traceMatches(resolveTraceQuery(q, NOW_MS), trace);

describe('parseAnnotationQuery', () => {
  it('reads key=value and bare keys joined by " and "; a tag value wins over a bare key', () => {
    expect([...parseAnnotationQuery('http.method=GET and error and  x = y ')]).toEqual([['http.method', 'GET'], ['error', ''], ['x', 'y']]);
    expect([...parseAnnotationQuery('a=1 and a')]).toEqual([['a', '1']]);
    expect(parseAnnotationQuery(undefined).size).toBe(0);
  });
});

describe('resolveTraceQuery', () => {
  it('fills Zipkin defaults and lower-cases names; spanName "all" means any', () => {
    expect(resolveTraceQuery({ serviceName: 'Frontend', spanName: 'all' }, NOW_MS)).toMatchObject({
      serviceName: 'frontend', spanName: undefined, endTs: NOW_MS, lookback: 86_400_000, limit: 10,
    });
  });

  it('rejects what Zipkin rejects', () => {
    expect(() => resolveTraceQuery({ limit: 0 })).toThrow('limit <= 0');
    expect(() => resolveTraceQuery({ lookback: -1 })).toThrow('lookback <= 0');
    expect(() => resolveTraceQuery({ maxDuration: 5 })).toThrow('maxDuration is only valid with minDuration');
    expect(() => resolveTraceQuery({ minDuration: 10, maxDuration: 5 })).toThrow('maxDuration < minDuration');
    expect(() => resolveTraceQuery({ minDuration: 0 })).toThrow('minDuration <= 0');
  });
});

describe('traceMatches', () => {
  it('uses the root span timestamp against endTs and lookback', () => {
    expect(traceTimestamp(trace)).toBe(T);
    expect(matches({})).toBe(true);
    expect(matches({ lookback: 30_000 })).toBe(false);
    expect(matches({ endTs: NOW_MS - 120_000 })).toBe(false);
  });

  it('matches service, remote service and span name', () => {
    expect(matches({ serviceName: 'backend' })).toBe(true);
    expect(matches({ serviceName: 'nobody' })).toBe(false);
    expect(matches({ serviceName: 'frontend', remoteServiceName: 'backend' })).toBe(true);
    expect(matches({ serviceName: 'backend', remoteServiceName: 'backend' })).toBe(false);
    expect(matches({ spanName: 'serve' })).toBe(true);
    expect(matches({ serviceName: 'frontend', spanName: 'serve' })).toBe(false);
  });

  it('scopes annotation queries and durations to spans of the service', () => {
    expect(matches({ annotationQuery: 'error and http.method=GET' })).toBe(true);
    expect(matches({ annotationQuery: 'http.method=POST' })).toBe(false);
    expect(matches({ serviceName: 'frontend', annotationQuery: 'error' })).toBe(false);
    expect(matches({ serviceName: 'backend', annotationQuery: 'cache.miss and error=boom' })).toBe(true);
    expect(matches({ minDuration: 10_000 })).toBe(true);
    expect(matches({ serviceName: 'backend', minDuration: 5_000 })).toBe(false);
    expect(matches({ minDuration: 4_500, maxDuration: 6_000 })).toBe(true);
    expect(matches({ minDuration: 11_000 })).toBe(false);
  });
});
