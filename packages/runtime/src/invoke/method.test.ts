import { posix } from 'node:path';
import { InvalidMethodError, appIdFromBasicAuth, decodePath, normaliseMethod, parseInvokePath, splitAppId } from './method';

describe('normaliseMethod', () => {
  it.each([
    ['neworder', 'neworder'],
    ['orders/1/items', 'orders/1/items'],
    ['neworder/../neworder', 'neworder'],
    ['../neworder', 'neworder'],
    ['admin/../public', 'public'],
    ['a//b/./c', 'a/b/c'],
    ['', ''],
    ['.', ''],
    ['with"quote*star\\back', 'with"quote*star\\back'],
  ])('%j -> %j', (input, out) => expect(normaliseMethod(input)).toBe(out));

  it.each(['public#/../unauthorized', 'public?/../unauthorized', 'public%/../x', 'public\r/../x', 'a\nb', 'nul\u0000'])(
    'refuses %j',
    (input) => expect(() => normaliseMethod(input)).toThrow(InvalidMethodError),
  );

  it('sees through encodings the way the dispatcher does (ACL bypass cases)', () => {
    const decode = (raw: string) => decodePath(raw) as string;
    expect(normaliseMethod(decode('admin%2F..%2Fpublic'))).toBe('public');
    expect(() => normaliseMethod(decode('public%23/../unauthorized'))).toThrow(InvalidMethodError);
    expect(() => normaliseMethod(decode('public%3F/../unauthorized'))).toThrow(InvalidMethodError);
    expect(() => normaliseMethod(decode('public%25/../unauthorized'))).toThrow(InvalidMethodError);
    expect(() => normaliseMethod(decode('public%0D/../unauthorized'))).toThrow(InvalidMethodError);
    expect(decodePath('bad%zz')).toBeUndefined();
  });
});

describe('parseInvokePath', () => {
  it('splits at the first /method/', () => {
    expect(parseInvokePath('/v1.0/invoke/orders/method/a/method/b')).toEqual({ id: 'orders', rawMethod: 'a/method/b' });
    expect(parseInvokePath('/v1.0/invoke/orders/method/')).toEqual({ id: 'orders', rawMethod: '' });
    expect(parseInvokePath('/v1.0/invoke/orders')).toBeUndefined();
    expect(parseInvokePath('/v1.0/state/x')).toBeUndefined();
  });
});

describe('app id forms', () => {
  it('splits id.namespace with exactly one dot', () => {
    expect(splitAppId('orders')).toEqual({ appId: 'orders' });
    expect(splitAppId('orders.shop')).toEqual({ appId: 'orders', namespace: 'shop' });
    expect(splitAppId('a.b.c')).toBeUndefined();
  });

  it('reads the app id from basic auth', () => {
    const h = 'Basic ' + Buffer.from('dapr-app-id:orders').toString('base64');
    expect(appIdFromBasicAuth(h)).toBe('orders');
    expect(appIdFromBasicAuth('Basic ' + Buffer.from('user:pw').toString('base64'))).toBeUndefined();
    expect(appIdFromBasicAuth(undefined)).toBeUndefined();
  });
});

describe('method normalisation without anything to resolve', () => {
  it('returns such names unchanged, like the full posix path', () => {
    const viaNormalize = (m: string) => posix.normalize('/' + m).replace(/^\/+/, '');
    for (const m of ['test', 'a/b/', 'v1.0/orders', 'x.y/z..w', 'a/b.', '', 'ünïcode/ok']) {
      expect(normaliseMethod(m)).toBe(m);
      expect(normaliseMethod(m)).toBe(m === '' ? '' : viaNormalize(m));
    }
    expect(normaliseMethod('/a//b/./c/../d')).toBe('a/b/d');
    expect(normaliseMethod('../../x')).toBe('x');
  });
});
