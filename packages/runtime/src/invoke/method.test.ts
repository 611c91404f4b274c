import { appIdFromBasicAuth, decodePath, parseInvokePath, splitAppId } from './method';

describe('decodePath', () => {
  it('decodes escapes and reports malformed ones', () => {
    expect(decodePath('a%20b%2Fc')).toBe('a b/c');
    expect(decodePath('plain')).toBe('plain');
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
