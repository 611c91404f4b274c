import { canonicalHeader, DROPPED_HEADERS, requestHeaders, requestTarget } from './outgoing';

const base = new URL('http://svc:8080/api/v1/');

describe('requestTarget', () => {
  it.each([
    [undefined, 'http://svc:8080/api/v1/'],
    ['', 'http://svc:8080/api/v1/'],
    ['orders/1', 'http://svc:8080/api/v1/orders/1'],
    ['//orders?x=1', 'http://svc:8080/api/v1/orders?x=1'],
    ['a%2Fb', 'http://svc:8080/api/v1/a%2Fb'],
    ['file..txt', 'http://svc:8080/api/v1/file..txt'],
  ])('joins %j', (path, url) => expect(requestTarget(base, path).toString()).toBe(url));

  it.each(['..', '../x', 'a/../../x', '%2e%2e', '%2E%2e/x', '.%2E/x', '%252e%252e/x', '%25252e%25252e/x', '..%2F..%2Fx', 'a\\..\\x', '%5c..%5cx', '100%', 'a\u0000b', '%00', '%2525252525'])(
    'refuses %j',
    (path) => expect(() => requestTarget(base, path)).toThrow(`invalid path: ${path}`),
  );
});

describe('requestHeaders', () => {
  it('takes upper-case metadata keys, drops framing headers, and keeps the defaults', () => {
    const metadata: Record<string, string> = { 'X-A': '1', lower: 'no', 'Content-Type': 'text/plain', 'Bad\nName': 'x', 'X-B': 'a\r\nb' };
    for (const h of DROPPED_HEADERS) metadata[canonicalHeader(h)] = 'evil';
    metadata.HOST = 'evil';
    expect(requestHeaders(metadata, true, { header: 'x-token', value: 't' })).toEqual({
      Accept: 'application/json; charset=utf-8',
      'Content-Type': 'text/plain',
      'X-Token': 't',
      'X-A': '1',
    });
  });

  it('never lets securityTokenHeader name a framing header', () => {
    expect(requestHeaders({}, false, { header: 'Content-Length', value: '5' })).toEqual({ Accept: 'application/json; charset=utf-8' });
  });
});
