/**
 * createApp: routes that are not Dapr APIs fall back to service invocation.
 */
import request from 'supertest';
import { build } from '../../test/support/app';

describe('routing fallback to invocation', () => {
  it('answers 404 ERR_DIRECT_INVOKE for unknown routes and wrong methods without an app id', async () => {
    const b = build();
    for (const [method, path] of [['get', '/nope'], ['delete', '/v1.0/metadata'], ['patch', '/v1.0/healthz']] as const) {
      const r = await request(b.app)[method](path).expect(404);
      expect(r.body).toEqual({ errorCode: 'ERR_DIRECT_INVOKE', message: 'failed getting app id either from the URL path or the header dapr-app-id' });
    }
  });

  it('proxies any path with dapr-app-id, and the /v1.0/invoke path form, with query strings', async () => {
    const b = build();
    await request(b.app).post('/neworder?x=1').set('dapr-app-id', 'orders').expect(200, 'invoked orders/neworder');
    await request(b.app).delete('/v1.0/invoke/orders/method/a/b?y=2').expect(200, 'invoked orders/a/b');
    await request(b.app).get('/v1.0/invoke/orders.shop/method/x').expect(200);
    expect(b.invoked).toEqual([
      { target: { appId: 'orders', method: 'neworder' }, query: '?x=1' },
      { target: { appId: 'orders', method: 'a/b' }, query: '?y=2' },
      { target: { appId: 'orders', namespace: 'shop', method: 'x' }, query: '' },
    ]);
  });

  it('takes the app id from basic auth', async () => {
    const b = build();
    const auth = 'Basic ' + Buffer.from('dapr-app-id:orders').toString('base64');
    await request(b.app).get('/items').set('authorization', auth).expect(200, 'invoked orders/items');
  });

  it('refuses reserved characters left after cleaning, and bad app ids, before anything is called', async () => {
    const b = build();
    for (const path of ['/v1.0/invoke/x/method/admin%23x', '/v1.0/invoke/x/method/admin%3Fignored', '/v1.0/invoke/x/method/a%0Db', '/v1.0/invoke/x/method/admin%00public', '/v1.0/invoke/x/method/admin%23%3F%25bypass']) {
      const r = await request(b.app).get(path).expect(500);
      expect(r.body.errorCode).toBe('ERR_DIRECT_INVOKE');
    }
    expect((await request(b.app).get('/v1.0/invoke/a.b.c/method/x').expect(500)).body.errorCode).toBe('ERR_DIRECT_INVOKE');
    expect((await request(b.app).get('/v1.0/invoke/http%3A%2F%2Fevil.example/method/x').expect(500)).body.message).toMatch(/external URLs/);
    expect(b.invoked).toEqual([]);
  });

  it('cleans the decoded method before checking it, like daprd (the callee judges the result)', async () => {
    const b = build();
    for (const raw of ['public%23/../unauthorized', 'public%3F/../unauthorized', 'public%25/../unauthorized', 'public%0D/../unauthorized', 'public%2F..%2Funauthorized']) {
      await request(b.app).get(`/v1.0/invoke/x/method/${raw}`).expect(200, 'invoked x/unauthorized');
    }
    await request(b.app).get('/v1.0/invoke/x/method/admin%2F..%2Fpublic').expect(200, 'invoked x/public');
    await request(b.app).get('/admin%2F..%2Fpublic').set('dapr-app-id', 'x').expect(200, 'invoked x/public');
    await request(b.app).get('/v1.0/invoke/x/method/public///extra/').expect(200, 'invoked x/public/extra');
  });
});
