/**
 * createApp: path cleaning, health and metadata endpoints, the API token, and request hygiene.
 */
import request from 'supertest';
import { allEndpoints, cleanPath } from './app';
import { build } from '../../test/support/app';

describe('cleanPath', () => {
  it.each([
    ['/', '/'],
    ['/v1.0/healthz/', '/v1.0/healthz'],
    ['//v1.0//state/s', '/v1.0/state/s'],
    ['/v1.0/healthz/../state/s', '/v1.0/state/s'],
    ['/a/./b', '/a/b'],
    ['/v1.0/invoke/x/method/a%2F..%2Fb', '/v1.0/invoke/x/method/a%2F..%2Fb'],
  ])('%s -> %s', (raw, clean) => expect(cleanPath(raw)).toBe(clean));
});

describe('health endpoints', () => {
  it('answers 204 when ready and Dapr errors when not', async () => {
    const b = build();
    await request(b.app).get('/v1.0/healthz').expect(204);
    await request(b.app).get('/v1.0/healthz/outbound').expect(204);
    b.deps.health.ready = false;
    const r = await request(b.app).get('/v1.0/healthz').expect(500);
    expect(r.body).toEqual({ errorCode: 'ERR_HEALTH_NOT_READY', message: 'dapr is not ready: [app]' });
    b.deps.health.outboundReady = false;
    expect((await request(b.app).get('/v1.0/healthz/outbound').expect(500)).body.errorCode).toBe('ERR_OUTBOUND_HEALTH_NOT_READY');
  });

  it('checks ?appid=', async () => {
    const b = build();
    await request(b.app).get('/v1.0/healthz?appid=nodeapp').expect(204);
    expect((await request(b.app).get('/v1.0/healthz?appid=other').expect(500)).body.errorCode).toBe('ERR_HEALTH_APPID_NOT_MATCH');
  });
});

describe('metadata endpoints', () => {
  it('returns the full shape with components and capabilities', async () => {
    const b = build(['--app-port', '3000']);
    const r = await request(b.app).get('/v1.0/metadata').expect(200).expect('content-type', 'application/json');
    expect(r.body).toEqual({
      id: 'nodeapp',
      runtimeVersion: '9.9.9',
      components: [{ name: 'statestore', type: 'state.in-memory', version: 'v1', capabilities: ['ETAG', 'TRANSACTIONAL', 'TTL', 'ACTOR'] }],
      extended: { daprRuntimeVersion: '9.9.9' },
      appConnectionProperties: { port: 3000, protocol: 'http', channelAddress: '127.0.0.1' },
      actorRuntime: { runtimeStatus: 'DISABLED', placement: 'placement: disconnected' },
    });
  });

  it('stores PUT values in extended and reports them', async () => {
    const b = build();
    const seen: string[] = [];
    b.deps.onExtendedChange = (k, v) => seen.push(`${k}=${v}`);
    await request(b.app).put('/v1.0/metadata/appCommand').set('content-type', 'text/plain').send('npm start').expect(204);
    expect((await request(b.app).get('/v1.0/metadata')).body.extended).toEqual({ appCommand: 'npm start', daprRuntimeVersion: '9.9.9' });
    expect(seen).toEqual(['appCommand=npm start']);
  });
});

describe('API token', () => {
  const env = { DAPR_API_TOKEN: 's3cret' };

  it('exempts exactly GET /v1.0/healthz and /v1.0/healthz/outbound', async () => {
    const b = build([], env);
    await request(b.app).get('/v1.0/healthz').expect(204);
    await request(b.app).get('/v1.0/healthz/outbound').expect(204);
    await request(b.app).get('/v1.0/healthz/').expect(204);
  });

  it.each([
    ['GET', '/v1.0/metadata'],
    ['POST', '/v1.0/healthz'],
    ['GET', '/v1.0/invoke/x/method/something?foo=/healthz'],
    ['GET', '/v1.0/invoke/x/method/healthz'],
    ['GET', '/v1.0/state/statestore/k?x=/v1.0/healthz'],
    ['GET', '/healthz'],
    ['GET', '/v1.0/healthz/../metadata'],
  ])('rejects %s %s without the token as plain text 401', async (method, path) => {
    const b = build([], env);
    const r = await request(b.app)[method.toLowerCase() as 'get'](path).expect(401);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.text).toBe('invalid api token\n');
    expect(b.invoked).toEqual([]);
  });

  it('accepts the right token and rejects a wrong one', async () => {
    const b = build([], env);
    await request(b.app).get('/v1.0/metadata').set('dapr-api-token', 's3cret').expect(200);
    await request(b.app).get('/v1.0/metadata').set('dapr-api-token', 's3cret!').expect(401);
  });

  it('compares bytes: a non-ASCII token sent as UTF-8 (what curl sends) is accepted', async () => {
    const token = 'clé-秘密';
    const b = build([], { DAPR_API_TOKEN: token });
    const utf8OnTheWire = Buffer.from(token, 'utf8').toString('latin1'); // node's client writes latin1 bytes as they are
    await request(b.app).get('/v1.0/metadata').set('dapr-api-token', utf8OnTheWire).expect(200);
    await request(b.app).get('/v1.0/metadata').set('dapr-api-token', 'clé').expect(401);
    await request(b.app).get('/v1.0/metadata').set('dapr-api-token', Buffer.from('clé-秘', 'utf8').toString('latin1')).expect(401);
  });
});

describe('request hygiene', () => {
  const jsonEndpoints = allEndpoints().filter((e) => ['SaveState', 'GetBulkState', 'ExecuteStateTransaction'].includes(e.name));

  it.each(jsonEndpoints.map((e) => [e.name, e.route.replace(':storeName', 'statestore')]))('%s answers malformed JSON with 400 ERR_MALFORMED_REQUEST', async (_name, route) => {
    const b = build();
    const r = await request(b.app).post(route).set('content-type', 'application/json').send('{"oops":').expect(400);
    expect(r.body.errorCode).toBe('ERR_MALFORMED_REQUEST');
  });

  it('answers bodies over --max-body-size with 413', async () => {
    const b = build(['--max-body-size', '1Ki']);
    const r = await request(b.app).post('/v1.0/state/statestore').send([{ key: 'k', value: 'x'.repeat(2000) }]).expect(413);
    expect(r.body.errorCode).toBe('ERR_BODY_TOO_LARGE');
  });

  it('logs API calls with --enable-api-logging', async () => {
    const b = build(['--enable-api-logging']);
    await request(b.app).get('/v1.0/state/statestore/nothing').expect(204);
    expect(b.logs.join('')).toContain('msg="HTTP API Called"');
    expect(b.logs.join('')).toContain('method="GET /v1.0/state/statestore/nothing" code=204');
  });

  it('answers shutdown with 204 and then asks to stop', async () => {
    const b = build();
    await request(b.app).post('/v1.0/shutdown').expect(204);
    await request(b.app).post('/v1.0/shutdown').set('dapr-force-shutdown', 'true').expect(204);
    expect(b.shutdowns).toEqual([false, true]);
  });

  it('has unique endpoint names', () => {
    const names = allEndpoints().map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
