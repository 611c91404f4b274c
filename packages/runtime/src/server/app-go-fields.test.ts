/**
 * createApp: JSON request bodies are read as Go's encoding/json decodes them into daprd's structs
 * (spec trap 31): field names match case-insensitively (`Key`, `VALUE`, `OPERATION`, `entryID`),
 * an exact spelling wins, and the keys inside maps (metadata, values, events, data) stay as sent.
 */
import request from 'supertest';
import type { OutputBinding } from '../components/bindings/contract';
import type { PubSub, PublishRequest } from '../components/pubsub/contract';
import { STATE_FEATURES } from '../components/state/contract';
import type { ComponentManifest } from '../components/types';
import { build, withSpy } from '../../test/support/app';

const manifest = (name: string, category: ComponentManifest['category'], type: string): ComponentManifest => ({
  name, category, type, version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: 'test.yaml',
});

describe('state API', () => {
  it('saves items spelled Key / VALUE / Etag / METADATA / Options.Concurrency', async () => {
    const { b, spy } = withSpy();
    await request(b.app).post('/v1.0/state/spy').send([{ Key: 'k', VALUE: { OrderId: 1 }, METADATA: { TTLInSeconds: '60' } }]).expect(204);
    expect(spy.sets[0]).toMatchObject({ key: 'nodeapp||k', metadata: { TTLInSeconds: '60' } });
    expect(spy.sets[0]?.value.toString()).toBe('{"OrderId":1}');
    const etag = (await request(b.app).get('/v1.0/state/spy/k').expect(200)).headers.etag as string;
    const stale = await request(b.app).post('/v1.0/state/spy').send([{ KEY: 'k', Value: 2, ETag: 'stale' }]).expect(409);
    expect(stale.body.errorCode).toBe('ERR_STATE_SAVE');
    await request(b.app).post('/v1.0/state/spy').send([{ key: 'k', value: 3, Etag: etag, Options: { Concurrency: 'first-write', CONSISTENCY: 'strong' } }]).expect(204);
    expect(spy.sets.at(-1)?.options).toEqual({ concurrency: 'first-write', consistency: 'strong' });
    const bad = await request(b.app).post('/v1.0/state/spy').send([{ key: 'k', value: 4, options: { CONCURRENCY: 'second-write' } }]).expect(500);
    expect(bad.body.errorCode).toBe('ERR_STATE_SAVE');
  });

  it('prefers the exact spelling when a field comes twice', async () => {
    const { b, spy } = withSpy();
    await request(b.app).post('/v1.0/state/spy').set('content-type', 'application/json').send('[{"Key":"folded","key":"exact","value":1}]').expect(204);
    expect(spy.sets[0]?.key).toBe('nodeapp||exact');
    expect((await request(b.app).post('/v1.0/state/spy').send([{ KEY: '', value: 1 }]).expect(400)).body.message).toBe('"key" is a required field');
  });

  it('bulk-gets with KEYS / Parallelism / Metadata', async () => {
    const { b, spy } = withSpy();
    await request(b.app).post('/v1.0/state/spy').send([{ key: 'a', value: 1 }, { key: 'b', value: 2 }]).expect(204);
    const r = await request(b.app).post('/v1.0/state/spy/bulk').send({ KEYS: ['a', 'b'], Parallelism: 1, Metadata: { K: 'v' } }).expect(200);
    expect(r.body.map((e: { key: string; data: unknown }) => [e.key, e.data])).toEqual([['a', 1], ['b', 2]]);
    expect(spy.maxInFlight).toBe(1);
  });

  it('runs transactions spelled Operations / OPERATION / Request / Key / Value / Metadata', async () => {
    const { b, spy } = withSpy();
    const tx = {
      Operations: [
        { OPERATION: 'upsert', Request: { Key: 'k1', Value: { A: 1 }, Metadata: { M: 'x' } } },
        { operation: 'upsert', request: { KEY: 'k2', VALUE: 2 } },
        { Operation: 'delete', REQUEST: { key: 'k2' } },
      ],
      METADATA: { PartitionKey: 'p' },
    };
    await request(b.app).post('/v1.0/state/spy/transaction').send(tx).expect(204);
    expect(spy.multiMetadata).toEqual([{ PartitionKey: 'p' }]);
    expect((await request(b.app).get('/v1.0/state/spy/k1').expect(200)).text).toBe('{"A":1}');
    await request(b.app).get('/v1.0/state/spy/k2').expect(204);
    // Operation *values* are compared exactly, as daprd does.
    const r = await request(b.app).post('/v1.0/state/spy/transaction').send({ operations: [{ operation: 'UPSERT', request: { key: 'k' } }] }).expect(400);
    expect(r.body.errorCode).toBe('ERR_NOT_SUPPORTED_STATE_OPERATION');
  });

  it('reads sort and page fields case-insensitively, but filter/sort/page themselves exactly (query.Query reads a map)', async () => {
    const { b, spy } = withSpy([STATE_FEATURES.QUERY_API]);
    await request(b.app).post('/v1.0-alpha1/state/spy/query').send({ sort: [{ KEY: 'status', Order: 'DESC' }], page: { LIMIT: 2, Token: 't' } }).expect(204);
    expect(spy.queries[0]).toMatchObject({ sort: [{ key: 'status', order: 'DESC' }], page: { limit: 2, token: 't' } });
    await request(b.app).post('/v1.0-alpha1/state/spy/query').send({ Page: { limit: 2 }, Filter: { EQ: { a: 1 } } }).expect(204);
    expect(spy.queries[1]?.page).toBeUndefined();
    expect(spy.queries[1]?.filter).toBeUndefined();
  });
});

describe('bulk publish', () => {
  it('accepts entries spelled entryID (the JS SDK) / EVENT / ContentType / Metadata', async () => {
    const b = build(['--app-id', 'checkout'], {}, false);
    const published: PublishRequest[] = [];
    const broker: PubSub = {
      init: async () => {},
      close: async () => {},
      features: () => [],
      publish: async (req) => void published.push(req),
      subscribe: async () => async () => {},
    };
    b.deps.store.add({ manifest: manifest('orderpubsub', 'pubsub', 'pubsub.fake'), instance: broker });
    const body = '[{"entryID":"1","event":{"OrderId":12345678901234567890},"contentType":"application/json","metadata":{"TraceKey":"a"}},'
      + '{"ENTRYID":"2","EVENT":"two","ContentType":"text/plain"}]';
    await request(b.app).post('/v1.0-alpha1/publish/bulk/orderpubsub/orders').set('content-type', 'application/json').send(body).expect(204);
    expect(published).toHaveLength(2);
    const first = published[0] as PublishRequest;
    expect(first.metadata).toEqual({ TraceKey: 'a' });
    expect(first.data.toString()).toContain('"data":{"OrderId":12345678901234567890}'); // the event's source text, big number intact
    expect(JSON.parse((published[1] as PublishRequest).data.toString())).toMatchObject({ data: 'two', datacontenttype: 'text/plain' });
    const dup = await request(b.app).post('/v1.0/publish/bulk/orderpubsub/orders').send([{ entryId: 'x', event: 1, contentType: 'application/json' }, { EntryID: 'x', event: 2, contentType: 'application/json' }]).expect(400);
    expect(dup.body.errorCode).toBe('ERR_PUBSUB_EVENTS_SER');
  });
});

describe('output bindings', () => {
  it('accepts Operation / DATA / Metadata and keeps the data and metadata keys as sent', async () => {
    const b = build([], {}, false);
    const calls: Array<{ operation: string; data: string; metadata: Record<string, string> }> = [];
    const binding: OutputBinding = {
      init: async () => {},
      close: async () => {},
      features: () => [],
      operations: () => ['create'],
      invoke: async (req) => {
        calls.push({ operation: req.operation, data: req.data.toString(), metadata: req.metadata });
        return undefined;
      },
    };
    b.deps.store.add({ manifest: manifest('files', 'bindings', 'bindings.fake'), instance: binding });
    await request(b.app).post('/v1.0/bindings/files').send({ OPERATION: 'create', Data: { FileName: 'x' }, Metadata: { Key: 'v' } }).expect(204);
    expect(calls).toEqual([{ operation: 'create', data: '{"FileName":"x"}', metadata: expect.objectContaining({ Key: 'v' }) }]);
  });
});
