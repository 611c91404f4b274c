import { href, parseRoute, sectionOf } from './route';

describe('parseRoute', () => {
  it('defaults to the applications page', () => {
    expect(parseRoute('')).toEqual({ page: 'apps' });
    expect(parseRoute('#/')).toEqual({ page: 'apps' });
  });
  it('reads an app and its tab', () => {
    expect(parseRoute('#/apps/order-processor')).toEqual({ page: 'app', appId: 'order-processor', tab: 'overview' });
    expect(parseRoute('#/apps/a%20b/logs')).toEqual({ page: 'app', appId: 'a b', tab: 'logs' });
    expect(parseRoute('#/apps/x/explorer')).toEqual({ page: 'app', appId: 'x', tab: 'explorer' });
    expect(parseRoute('#/apps/x/bogus')).toEqual({ page: 'app', appId: 'x', tab: 'overview' });
  });
  it('reads traces with their query and a single trace', () => {
    expect(parseRoute('#/traces?service=a&status=error')).toEqual({ page: 'traces', query: { service: 'a', status: 'error' } });
    expect(parseRoute('#/traces/abc123')).toEqual({ page: 'trace', traceId: 'abc123' });
  });
  it('names unknown paths', () => {
    expect(parseRoute('#/nope')).toEqual({ page: 'not-found', path: '/nope' });
    expect(sectionOf(parseRoute('#/nope'))).toBeUndefined();
  });
  it('round-trips the links it builds', () => {
    expect(parseRoute(href.app('a/b', 'logs'))).toEqual({ page: 'app', appId: 'a/b', tab: 'logs' });
    expect(parseRoute(href.trace('f00'))).toEqual({ page: 'trace', traceId: 'f00' });
    expect(parseRoute(href.traces({ service: 'x', operation: undefined }))).toEqual({ page: 'traces', query: { service: 'x' } });
    expect(sectionOf(parseRoute(href.trace('f00')))).toBe('traces');
  });
});
