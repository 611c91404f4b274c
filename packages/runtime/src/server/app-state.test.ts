/**
 * createApp: the state API and the state query API (alpha), against in-memory and spy stores.
 */
import request from 'supertest';
import { STATE_FEATURES } from '../components/state/contract';
import { build, withSpy } from '../../test/support/app';

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

describe('state API (spec section 5 details)', () => {
  it('answers DELETE without a key as daprd: no DeleteState route matches, so service invocation answers', async () => {
    // daprd registers DELETE only on state/{storeName}/{key}; chi hands the method miss on
    // state/{storeName} to the InvokeService fallback (dapr/dapr pkg/api/http/server.go, IsFallback).
    const b = build();
    await request(b.app).post('/v1.0/state/statestore').send([{ key: 'k', value: 1 }]).expect(204);
    for (const path of ['/v1.0/state/statestore', '/v1.0/state/statestore/', '/v1.0/state/statestore?metadata.x=y']) {
      const r = await request(b.app).delete(path).expect(404);
      expect(r.body).toEqual({ errorCode: 'ERR_DIRECT_INVOKE', message: 'failed getting app id either from the URL path or the header dapr-app-id' });
    }
    await request(b.app).delete('/v1.0/state/statestore').set('dapr-app-id', 'other').expect(200);
    expect(b.invoked.map((i) => [i.target.appId, i.target.method])).toEqual([['other', 'v1.0/state/statestore']]);
    await request(b.app).get('/v1.0/state/statestore/k').expect(200); // nothing was deleted
  });

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
