import request from 'supertest';
import { build } from '../../../test/support/app';
import { unimplementedEndpoints } from './unimplemented';

const sample = (route: string) => route.replace(/:([A-Za-z]+)/g, (_, name: string) => `${name}1`);
const LABELS: Record<string, RegExp> = {
  actors: /the actors API/,
  configuration: /the configuration API/,
  lock: /the distributed lock API/,
  unlock: /the distributed lock API/,
  workflows: /the workflow API/,
  jobs: /the jobs API/,
  crypto: /the cryptography API/,
  subtlecrypto: /the cryptography \(subtle\) API/,
  conversation: /the conversation API/,
};

describe('APIs minidaprd does not implement', () => {
  const endpoints = unimplementedEndpoints();
  const cases = endpoints.flatMap((e) => e.methods.map((m) => [e.name, m, sample(e.route), e.group] as const));

  it('covers every daprd route of §8.2–8.7 (actors, configuration, lock, workflow × 3 versions, jobs, crypto, conversation)', () => {
    const routes = new Set(endpoints.map((e) => e.route.split('/').slice(1, 3).join('/')));
    expect([...routes].sort()).toEqual([
      'v1.0-alpha1/configuration', 'v1.0-alpha1/conversation', 'v1.0-alpha1/crypto', 'v1.0-alpha1/jobs', 'v1.0-alpha1/lock',
      'v1.0-alpha1/subtlecrypto', 'v1.0-alpha1/unlock', 'v1.0-alpha1/workflows', 'v1.0-alpha2/conversation', 'v1.0-beta1/workflows',
      'v1.0/actors', 'v1.0/configuration', 'v1.0/jobs', 'v1.0/workflows',
    ]);
    expect(endpoints).toHaveLength(8 + 3 * 2 + 2 + 7 * 3 + 3 * 2 + 2 + 7 + 2);
  });

  it.each(cases)('%s: %s %s answers 501 ERR_API_UNIMPLEMENTED naming the API', async (name, method, path, group) => {
    const b = build();
    const r = await request(b.app)[method.toLowerCase() as 'get'](path).set('dapr-app-id', 'someapp').expect(501);
    expect(r.body.errorCode).toBe('ERR_API_UNIMPLEMENTED');
    expect(r.body.message).toMatch(LABELS[group] as RegExp);
    expect(r.body.message).toContain(`(${name})`);
    expect(r.body.message).toContain('not supported by minidapr');
    expect(b.invoked).toEqual([]); // the API route wins over the dapr-app-id header, as in daprd
  });

  it('leaves a wrong method to service invocation, as daprd (chi MethodNotAllowed → InvokeService)', async () => {
    const b = build();
    const r = await request(b.app).get('/v1.0-alpha1/lock/store').expect(404);
    expect(r.body).toEqual({ errorCode: 'ERR_DIRECT_INVOKE', message: 'failed getting app id either from the URL path or the header dapr-app-id' });
    await request(b.app).put('/v1.0/actors/T/1/state/k').set('dapr-app-id', 'target').expect(200);
    expect(b.invoked.map((i) => [i.target.appId, i.target.method])).toEqual([['target', 'v1.0/actors/T/1/state/k']]);
  });

  it('still proxies other paths that carry dapr-app-id', async () => {
    const b = build();
    await request(b.app).post('/orders').set('dapr-app-id', 'order-processor').send({ orderId: 1 }).expect(200, 'invoked order-processor/orders');
    await request(b.app).get('/v1.0/actorz/x').set('dapr-app-id', 'target').expect(200);
    expect(b.invoked.map((i) => i.target.method)).toEqual(['orders', 'v1.0/actorz/x']);
  });
});
