/** The Host and Origin guards, unit and through createApp (the DNS-rebinding / cross-site probe). */
import request from 'supertest';
import { build } from '../../test/support/app';
import { hostName, RequestGuard } from './request-guard';

describe('hostName', () => {
  it.each([
    ['localhost:3500', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['[::1]:3500', '::1'],
    ['[::1]', '::1'],
    ['example.com.:80', 'example.com'],
    ['a:b', undefined],
    ['[::1]x', undefined],
    ['', undefined],
  ])('%s → %s', (host, name) => expect(hostName(host)).toBe(name));
});

describe('RequestGuard.hostAllowed', () => {
  const g = new RequestGuard({ allowedHosts: ['nodeapp', '*.svc.cluster.local'], allowedOrigins: [], ownHostnames: ['my-box'], listenAddresses: ['0.0.0.0'] });
  it.each(['localhost:3500', 'app.localhost', '127.0.0.1:3500', '[::1]:3500', '10.1.2.3', '[fe80::1]', 'my-box:3500', 'nodeapp:50002', 'x-dapr.ns.svc.cluster.local:50002', undefined])(
    'allows %s',
    (host) => expect(g.hostAllowed(host)).toBe(true),
  );
  it.each(['attacker.example', 'attacker.example:3500', 'localhost.attacker.example', 'svc.cluster.local.evil', 'a:b'])('refuses %s', (host) => expect(g.hostAllowed(host)).toBe(false));
  it('allows everything with *', () => expect(new RequestGuard({ allowedHosts: ['*'], allowedOrigins: [] }).hostAllowed('attacker.example')).toBe(true));
});

describe('through the API', () => {
  it('refuses the DNS-rebinding probe: a text/plain POST with Host attacker.example and a foreign Origin', async () => {
    const b = build();
    const r = await request(b.app)
      .post('/v1.0/invoke/nodeapp/method/run')
      .set('host', 'attacker.example')
      .set('origin', 'http://attacker.example')
      .set('content-type', 'text/plain')
      .send('{"operation":"create"}')
      .expect(403);
    expect(r.body.errorCode).toBe('ERR_HOST_NOT_ALLOWED');
    expect(b.invoked).toEqual([]);
  });

  it('refuses a cross-site simple request on the sidecar’s own Host (CSRF), before anything runs', async () => {
    const b = build();
    const post = await request(b.app).post('/v1.0/invoke/nodeapp/method/run').set('origin', 'http://evil.example').set('content-type', 'text/plain').send('x').expect(403);
    expect(post.body.errorCode).toBe('ERR_ORIGIN_NOT_ALLOWED');
    // an <img> GET carries no Origin but is marked cross-site by the browser
    await request(b.app).get('/v1.0/invoke/nodeapp/method/run').set('sec-fetch-site', 'cross-site').expect(403);
    expect(b.invoked).toEqual([]);
    await request(b.app).get('/v1.0/invoke/nodeapp/method/run').set('sec-fetch-site', 'none').expect(200); // typed in the address bar
  });

  it('refuses a preflight from a foreign origin and answers one from an allowed origin with CORS headers', async () => {
    const b = build();
    await request(b.app).options('/v1.0/state/statestore').set('origin', 'http://evil.example').set('access-control-request-method', 'POST').expect(403);
    const allowed = build(['--allowed-origins', 'http://localhost:8080']);
    const pre = await request(allowed.app)
      .options('/v1.0/state/statestore')
      .set('origin', 'http://localhost:8080')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type')
      .expect(204);
    expect(pre.headers['access-control-allow-origin']).toBe('http://localhost:8080');
    expect(pre.headers['access-control-allow-headers']).toBe('content-type');
    const get = await request(allowed.app).get('/v1.0/metadata').set('origin', 'http://localhost:8080').expect(200);
    expect(get.headers['access-control-allow-origin']).toBe('http://localhost:8080');
    expect(get.headers.vary).toBe('Origin');
  });

  it('--allowed-origins * and --allowed-hosts * turn the checks off (daprd behaviour)', async () => {
    const b = build(['--allowed-origins', '*', '--allowed-hosts', '*']);
    const r = await request(b.app).get('/v1.0/invoke/nodeapp/method/run').set('host', 'nodeapp-dapr').set('origin', 'http://anything.example').expect(200);
    expect(r.headers['access-control-allow-origin']).toBe('*');
  });

  it('lets SDK-style requests through untouched (no Origin, no Sec-Fetch-Site) on localhost and service names', async () => {
    const b = build(['--allowed-hosts', 'nodeapp-dapr']);
    await request(b.app).get('/v1.0/metadata').set('host', 'localhost:3500').expect(200);
    await request(b.app).get('/v1.0/metadata').set('host', 'nodeapp-dapr:3500').expect(200);
    const envBuilt = build([], { MINIDAPR_ALLOWED_HOSTS: 'from-env' });
    await request(envBuilt.app).get('/v1.0/metadata').set('host', 'from-env').expect(200);
  });
});
