import { Router, unescapeParam } from './router';

describe('Router', () => {
  const r = new Router<string>();
  r.add(['GET'], '/v1.0/state/:storeName/:key', 'get');
  r.add(['POST', 'PUT'], '/v1.0/state/:storeName/bulk', 'bulk');
  r.add(['POST'], '/v1.0/publish/:pubsub/*topic', 'publish');
  const seg = (p: string) => p.split('/').filter(Boolean);

  it('matches literals before params, per method', () => {
    expect(r.match('POST', seg('/v1.0/state/s/bulk'))).toEqual({ value: 'bulk', params: { storeName: 's' }, rawParams: { storeName: 's' } });
    expect(r.match('GET', seg('/v1.0/state/s/bulk'))).toEqual({ value: 'get', params: { storeName: 's', key: 'bulk' }, rawParams: { storeName: 's', key: 'bulk' } });
    expect(r.match('DELETE', seg('/v1.0/state/s/k'))).toBeUndefined();
  });

  it('query-unescapes parameters (%2F is a slash, + is a space)', () => {
    expect(r.match('GET', seg('/v1.0/state/s/a%2Fb+c'))?.params.key).toBe('a/b c');
    expect(unescapeParam('bad%zz')).toBe('bad%zz');
  });

  it('also hands back the parameters as matched, still escaped', () => {
    expect(r.match('GET', seg('/v1.0/state/s/a%2Fb+c'))?.rawParams).toEqual({ storeName: 's', key: 'a%2Fb+c' });
    expect(r.match('POST', seg('/v1.0/publish/p/a%20/b'))?.rawParams).toEqual({ pubsub: 'p', topic: 'a%20/b' });
  });

  it('captures the rest of the path in a wildcard', () => {
    expect(r.match('POST', seg('/v1.0/publish/p/a/b/c'))?.params).toEqual({ pubsub: 'p', topic: 'a/b/c' });
  });

  it('refuses duplicate routes as programming errors', () => {
    expect(() => r.add(['GET'], '/v1.0/state/:x/:y', 'dup')).toThrow(/programming error/);
  });
});
