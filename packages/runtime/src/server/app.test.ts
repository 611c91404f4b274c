import request from 'supertest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ComponentStore } from '../components/store';
import { InMemoryStateStore } from '../components/state/in-memory';
import { STATE_FEATURES, type GetRequest, type QueryRequest, type QueryResponse, type SetRequest, type TransactionOperation } from '../components/state/contract';
import type { ComponentManifest } from '../components/types';
import type { DirectMessaging } from '../invoke/direct-messaging';
import type { InvokeTarget } from '../invoke/method';
import { createLogger } from '../logger';
import { parseOptions } from '../options';
import { allEndpoints, cleanPath, createApp } from './app';
import type { AppDeps } from './deps';

interface Built {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  invoked: Array<{ target: InvokeTarget; query: string }>;
  logs: string[];
  shutdowns: boolean[];
}

function manifest(name: string, category: 'state' | 'pubsub', type: string): ComponentManifest {
  return { name, category, type, version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: 'test.yaml' };
}

function build(args: string[] = [], env: NodeJS.ProcessEnv = {}, withStore = true): Built {
  const parsed = parseOptions(['--app-id', 'nodeapp', ...args], env, '.');
  if (!parsed.options) throw new Error(parsed.errors.join('; '));
  const logs: string[] = [];
  const store = new ComponentStore();
  if (withStore) store.add({ manifest: manifest('statestore', 'state', 'state.in-memory'), instance: new InMemoryStateStore() });
  const invoked: Built['invoked'] = [];
  const shutdowns: boolean[] = [];
  const directMessaging: DirectMessaging = {
    async invoke(_req: IncomingMessage, res: ServerResponse, target: InvokeTarget, query: string) {
      invoked.push({ target, query });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`invoked ${target.appId}/${target.method}`);
    },
    async deliverFromPeer() {},
    close() {},
  };
  const deps: AppDeps = {
    options: parsed.options,
    logger: createLogger({ appId: 'nodeapp', level: 'info', json: false, version: 't', destination: { write: (l: string) => logs.push(l) } }),
    store,
    health: { outboundReady: true, ready: true },
    metadata: { extended: new Map(), enabledFeatures: [], subscriptions: [], httpEndpoints: [] },
    directMessaging,
    apiLogging: parsed.options.enableApiLogging ?? false,
    runtimeVersion: '9.9.9',
    requestShutdown: (force) => shutdowns.push(force),
  };
  return { app: createApp(deps), deps, invoked, logs, shutdowns };
}

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
});

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

  it('refuses reserved characters and bad app ids before anything is called', async () => {
    const b = build();
    for (const path of ['/v1.0/invoke/x/method/public%23/../unauthorized', '/v1.0/invoke/x/method/public%3F/../unauthorized', '/v1.0/invoke/x/method/public%25/../unauthorized', '/v1.0/invoke/x/method/public%0D/../unauthorized']) {
      const r = await request(b.app).get(path).expect(500);
      expect(r.body.errorCode).toBe('ERR_DIRECT_INVOKE');
    }
    expect((await request(b.app).get('/v1.0/invoke/a.b.c/method/x').expect(500)).body.errorCode).toBe('ERR_DIRECT_INVOKE');
    expect((await request(b.app).get('/v1.0/invoke/http%3A%2F%2Fevil.example/method/x').expect(500)).body.message).toMatch(/external URLs/);
    expect(b.invoked).toEqual([]);
    await request(b.app).get('/v1.0/invoke/x/method/admin%2F..%2Fpublic').expect(200, 'invoked x/public');
  });
});

describe('state API', () => {
  it('saves, reads (raw JSON + ETag), and deletes; missing keys are 204', async () => {
    const b = build();
    await request(b.app).post('/v1.0/state/statestore?').send([{ key: 'order', value: { orderId: '42' } }, { key: 's', value: 'v' }]).expect(204);
    const got = await request(b.app).get('/v1.0/state/statestore/order').expect(200);
    expect(got.text).toBe('{"orderId":"42"}');
    expect(got.headers.etag).toMatch(/[0-9a-f-]{36}/);
    expect((await request(b.app).get('/v1.0/state/statestore/s')).text).toBe('"v"');
    await request(b.app).delete('/v1.0/state/statestore/order').expect(204);
    await request(b.app).get('/v1.0/state/statestore/order').expect(204);
  });

  it('maps ETag mismatch to 409 on save and delete, 500 in a transaction', async () => {
    const b = build();
    await request(b.app).post('/v1.0/state/statestore').send([{ key: 'k', value: 1 }]).expect(204);
    expect((await request(b.app).post('/v1.0/state/statestore').send([{ key: 'k', value: 2, etag: 'bad' }]).expect(409)).body.errorCode).toBe('ERR_STATE_SAVE');
    expect((await request(b.app).delete('/v1.0/state/statestore/k').set('if-match', 'bad').expect(409)).body.errorCode).toBe('ERR_STATE_DELETE');
    const tx = { operations: [{ operation: 'upsert', request: { key: 'k', value: 3, etag: 'bad' } }] };
    expect((await request(b.app).post('/v1.0/state/statestore/transaction').send(tx).expect(500)).body.errorCode).toBe('ERR_STATE_TRANSACTION');
    const wrong = { operations: [{ operation: 'merge', request: { key: 'k' } }] };
    expect((await request(b.app).post('/v1.0/state/statestore/transaction').send(wrong).expect(400)).body.errorCode).toBe('ERR_NOT_SUPPORTED_STATE_OPERATION');
  });

  it('answers bulk gets in request order', async () => {
    const b = build();
    await request(b.app).post('/v1.0/state/statestore').send([{ key: 'a', value: { n: 1 } }]).expect(204);
    const r = await request(b.app).post('/v1.0/state/statestore/bulk').send({ keys: ['a', 'missing'] }).expect(200);
    expect(r.body).toEqual([{ key: 'a', data: { n: 1 }, etag: expect.any(String) }, { key: 'missing' }]);
  });

  it('distinguishes not configured (500), not found (400), illegal keys and missing keys (400)', async () => {
    expect((await request(build([], {}, false).app).get('/v1.0/state/statestore/k').expect(500)).body.errorCode).toBe('ERR_STATE_STORE_NOT_CONFIGURED');
    const b = build();
    const nf = await request(b.app).get('/v1.0/state/other/k').expect(400);
    expect(nf.body.errorCode).toBe('ERR_STATE_STORE_NOT_FOUND');
    expect(nf.body.details[0].reason).toBe('DAPR_STATE_NOT_FOUND');
    expect((await request(b.app).get('/v1.0/state/statestore/a||b').expect(400)).body.errorCode).toBe('ERR_MALFORMED_REQUEST');
    expect((await request(b.app).post('/v1.0/state/statestore').send([{ value: 1 }]).expect(400)).body.message).toBe('"key" is a required field');
    expect((await request(b.app).post('/v1.0/state/statestore').send([{ key: 'k', etag: 7 }]).expect(400)).body.errorCode).toBe('ERR_MALFORMED_REQUEST');
  });
});

/** An in-memory store that records requests, counts concurrent reads, and can fail or answer queries. */
class SpyStore extends InMemoryStateStore {
  sets: SetRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failGet = new Set<string>();
  queries: QueryRequest[] = [];
  queryAnswer: QueryResponse | Error = { results: [] };
  multiMetadata: Array<Record<string, string> | undefined> = [];
  constructor(private readonly extra: string[] = []) {
    super();
  }
  override features(): readonly string[] {
    return [...super.features(), ...this.extra];
  }
  override async set(req: SetRequest): Promise<void> {
    this.sets.push(req);
    return super.set(req);
  }
  override async get(req: GetRequest) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      if (this.failGet.has(req.key)) throw new Error(`boom ${req.key}`);
      return await super.get(req);
    } finally {
      this.inFlight--;
    }
  }
  override async multi(operations: readonly TransactionOperation[], metadata?: Record<string, string>): Promise<void> {
    this.multiMetadata.push(metadata);
    return super.multi(operations);
  }
  async query(req: QueryRequest): Promise<QueryResponse> {
    this.queries.push(req);
    if (this.queryAnswer instanceof Error) throw this.queryAnswer;
    return this.queryAnswer;
  }
}

function withSpy(extra: string[] = []): { b: Built; spy: SpyStore } {
  const b = build();
  const spy = new SpyStore(extra);
  b.deps.store.add({ manifest: manifest('spy', 'state', 'state.spy'), instance: spy });
  return { b, spy };
}

describe('state API (spec section 5 details)', () => {
  it('accepts [] as a no-op and refuses bodies that are not arrays', async () => {
    const b = build();
    await request(b.app).post('/v1.0/state/statestore').send([]).expect(204);
    for (const body of [{ key: 'k', value: 1 }, '"text"', '42']) {
      const r = await request(b.app).post('/v1.0/state/statestore').set('content-type', 'application/json').send(body).expect(400);
      expect(r.body.errorCode).toBe('ERR_MALFORMED_REQUEST');
    }
  });

  it('answers invalid concurrency/consistency options with 500 ERR_STATE_SAVE, as daprd', async () => {
    const b = build();
    for (const options of [{ concurrency: 'second-write' }, { consistency: 'sometimes' }]) {
      const r = await request(b.app).post('/v1.0/state/statestore').send([{ key: 'k', value: 1, options }]).expect(500);
      expect(r.body.errorCode).toBe('ERR_STATE_SAVE');
    }
    await request(b.app).get('/v1.0/state/statestore/k').expect(204);
  });

  it('merges metadata.* query params over item metadata and passes ttlInSeconds -1 through unchanged', async () => {
    const { b, spy } = withSpy();
    await request(b.app).post('/v1.0/state/spy?metadata.partitionKey=p1&other=x').send([{ key: 'k', value: 1, metadata: { ttlInSeconds: -1, partitionKey: 'p0' } }]).expect(204);
    expect(spy.sets[0]?.metadata).toEqual({ ttlInSeconds: '-1', partitionKey: 'p1' });
    await request(b.app).post('/v1.0/state/spy?metadata.ttlInSeconds=-1').send([{ key: 'k2', value: 1 }]).expect(204);
    expect(spy.sets[1]?.metadata).toEqual({ ttlInSeconds: '-1' });
  });

  it('returns store metadata such as ttlExpireTime as metadata.<k> headers, and in bulk items', async () => {
    const b = build();
    await request(b.app).post('/v1.0/state/statestore').send([{ key: 't', value: 'v', metadata: { ttlInSeconds: '3600' } }]).expect(204);
    const got = await request(b.app).get('/v1.0/state/statestore/t').expect(200);
    const expires = Date.parse(got.headers['metadata.ttlexpiretime'] ?? '');
    expect(Math.abs(expires - (Date.now() + 3600_000))).toBeLessThan(600_000);
    const bulk = await request(b.app).post('/v1.0/state/statestore/bulk').send({ keys: ['t'] }).expect(200);
    expect(bulk.body[0].metadata.ttlExpireTime).toBe(got.headers['metadata.ttlexpiretime']);
  });

  it('bounds bulk-get concurrency by parallelism and reports per-key errors in place', async () => {
    const { b, spy } = withSpy();
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    await request(b.app).post('/v1.0/state/spy').send(keys.map((key) => ({ key, value: key }))).expect(204);
    spy.failGet.add('nodeapp||k3');
    const r = await request(b.app).post('/v1.0/state/spy/bulk').send({ keys, parallelism: 3 }).expect(200);
    expect(spy.maxInFlight).toBe(3);
    expect(r.body.map((e: { key: string }) => e.key)).toEqual(keys);
    expect(r.body[3]).toEqual({ key: 'k3', error: 'boom nodeapp||k3' });
    expect(r.body[4]).toEqual({ key: 'k4', data: 'k4', etag: expect.any(String) });
    spy.maxInFlight = 0;
    await request(b.app).post('/v1.0/state/spy/bulk').send({ keys }).expect(200);
    expect(spy.maxInFlight).toBe(12);
    await request(b.app).put('/v1.0/state/spy/bulk').send({ keys: [] }).expect(200, []);
    expect((await request(b.app).post('/v1.0/state/spy/bulk').send({ keys: ['a||b'] }).expect(400)).body.errorCode).toBe('ERR_MALFORMED_REQUEST');
  });

  it('passes transaction metadata (body and metadata.* params) to the store', async () => {
    const { b, spy } = withSpy();
    const tx = { operations: [{ operation: 'upsert', request: { key: 'k', value: 1 } }], metadata: { partitionKey: 'p' } };
    await request(b.app).post('/v1.0/state/spy/transaction?metadata.x=y').send(tx).expect(204);
    expect(spy.multiMetadata).toEqual([{ partitionKey: 'p', x: 'y' }]);
    await request(b.app).post('/v1.0/state/spy/transaction').send({ operations: [] }).expect(204);
  });
});

describe('state query API (alpha)', () => {
  const route = '/v1.0-alpha1/state/spy/query';
  const q = { filter: { OR: [{ EQ: { status: 'a' } }, { IN: { 'product.value': [1, 2] } }] }, sort: [{ key: 'status', order: 'DESC' }], page: { limit: 2, token: '' } };

  it('answers 500 ERR_STATE_STORE_NOT_SUPPORTED for stores without QUERY_API', async () => {
    const b = build();
    const r = await request(b.app).post('/v1.0-alpha1/state/statestore/query').send(q).expect(500);
    expect(r.body.errorCode).toBe('ERR_STATE_STORE_NOT_SUPPORTED');
    expect(r.body.message).toBe("state store statestore doesn't support query");
    expect((await request(b.app).post('/v1.0-alpha1/state/nope/query').send(q).expect(400)).body.errorCode).toBe('ERR_STATE_STORE_NOT_FOUND');
  });

  it('passes the parsed query with the key prefix and returns unprefixed keys with raw JSON data', async () => {
    const { b, spy } = withSpy([STATE_FEATURES.QUERY_API]);
    spy.queryAnswer = { results: [{ key: 'nodeapp||k1', data: Buffer.from('{"status":"a"}'), etag: '7' }, { key: 'nodeapp||k2', data: Buffer.from('"s"'), error: 'partial' }], token: '2' };
    const r = await request(b.app).put(`${route}?metadata.contentType=application/json`).send(q).expect(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toEqual({ results: [{ key: 'k1', data: { status: 'a' }, etag: '7' }, { key: 'k2', data: 's', error: 'partial' }], token: '2', metadata: {} });
    expect(spy.queries[0]).toEqual({ filter: q.filter, sort: q.sort, page: { limit: 2 }, keyPrefix: 'nodeapp||', metadata: { contentType: 'application/json' } });
    await request(b.app).post(route).send({}).expect(200);
    expect(spy.queries[1]).toEqual({ keyPrefix: 'nodeapp||', metadata: {} });
  });

  it('answers 204 when nothing matches and 500 ERR_STATE_QUERY when the store fails', async () => {
    const { b, spy } = withSpy([STATE_FEATURES.QUERY_API]);
    await request(b.app).post(route).send(q).expect(204);
    spy.queryAnswer = new Error('bad index');
    const r = await request(b.app).post(route).send(q).expect(500);
    expect(r.body.errorCode).toBe('ERR_STATE_QUERY');
    expect(r.body.message).toBe('failed query in state store spy: bad index');
    expect(r.body.details[0].reason).toBe('DAPR_STATE_QUERY_FAILED');
  });

  it.each([
    ['a list', []],
    ['an unknown operator', { filter: { LIKE: { a: 1 } } }],
    ['two operators in one filter', { filter: { EQ: { a: 1 }, NEQ: { b: 2 } } }],
    ['IN without a list', { filter: { IN: { a: 1 } } }],
    ['an empty AND', { filter: { AND: [] } }],
    ['a bad nested filter', { filter: { AND: [{ EQ: { a: 1 } }, { EQ: 'x' }] } }],
    ['sort that is not a list', { sort: { key: 'a' } }],
    ['a bad sort order', { sort: [{ key: 'a', order: 'UP' }] }],
    ['a negative page limit', { page: { limit: -1 } }],
    ['a numeric page token', { page: { token: 3 } }],
  ])('refuses %s with 400 ERR_MALFORMED_REQUEST', async (_what, body) => {
    const { b, spy } = withSpy([STATE_FEATURES.QUERY_API]);
    const r = await request(b.app).post(route).send(body as object).expect(400);
    expect(r.body.errorCode).toBe('ERR_MALFORMED_REQUEST');
    expect(spy.queries).toEqual([]);
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
