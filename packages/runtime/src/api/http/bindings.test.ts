import request from 'supertest';
import type { InputBinding, InvokeRequest, InvokeResponse, OutputBinding } from '../../components/bindings/contract';
import type { Component, ComponentManifest, MetadataItem } from '../../components/types';
import { build as buildApp, type Built } from '../../../test/support/app';
import { parseOutputRequest } from './bindings';

class FakeBinding implements OutputBinding, InputBinding {
  readonly calls: InvokeRequest[] = [];
  answer: (req: InvokeRequest) => Promise<InvokeResponse | undefined> = async () => undefined;
  async init(): Promise<void> {}
  async close(): Promise<void> {}
  features(): readonly string[] {
    return [];
  }
  operations(): readonly string[] {
    return ['create', 'get'];
  }
  async invoke(req: InvokeRequest): Promise<InvokeResponse | undefined> {
    this.calls.push(req);
    return this.answer(req);
  }
  async read(): Promise<() => Promise<void>> {
    return async () => {};
  }
}

function manifest(name: string, metadata: MetadataItem[] = []): ComponentManifest {
  return { name, category: 'bindings', type: 'bindings.fake', version: 'v1', metadata, ignoreErrors: false, initTimeoutMs: 5000, scopes: [], file: 'test.yaml' };
}

function build(components: Array<[ComponentManifest, Component]>): Built['app'] {
  const b = buildApp(['--app-id', 'checkout'], {}, false);
  for (const [m, instance] of components) b.deps.store.add({ manifest: m, instance });
  return b.app;
}

const OUTPUT_ERR = 'ERR_INVOKE_OUTPUT_BINDING';

describe('POST|PUT /v1.0/bindings/{name}', () => {
  it('passes operation, Go-serialised data and metadata with the trace context; no result is 204', async () => {
    const b = new FakeBinding();
    const app = build([[manifest('files'), b]]);
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await request(app)
      .post('/v1.0/bindings/files')
      .set('content-type', 'application/x-www-form-urlencoded')
      .set('traceparent', traceparent)
      .set('tracestate', 'k=v')
      .set('baggage', 'user=alice')
      .send('{"operation":"create","data":"hi","metadata":{"fileName":"a.txt"}}')
      .expect(204, '');
    await request(app).put('/v1.0/bindings/files').send({ operation: 'create', data: { b: 1, a: '<&>' } }).expect(204);
    const [first, second] = b.calls as [InvokeRequest, InvokeRequest];
    expect(first.operation).toBe('create');
    expect(first.data.toString()).toBe('"hi"');
    expect(first.metadata).toEqual({ fileName: 'a.txt', traceparent, tracestate: 'k=v', baggage: 'user=alice' });
    expect(second.data.toString()).toBe('{"a":"\\u003c\\u0026\\u003e","b":1}');
    expect(second.metadata.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  it('answers 200 with the bytes as application/json and metadata.<k> headers', async () => {
    const b = new FakeBinding();
    b.answer = async () => ({ data: Buffer.from('plain text'), metadata: { statusCode: '201', 'bad key': 'x' } });
    const res = await request(build([[manifest('files'), b]])).post('/v1.0/bindings/files').send({ operation: 'get' }).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => cb(null, text));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['metadata.statuscode']).toBe('201');
    expect(res.body).toBe('plain text');
    expect(b.calls[0]?.data.toString()).toBe('null');
  });

  it('answers 200 with an empty body when the component returns metadata only', async () => {
    const b = new FakeBinding();
    b.answer = async () => ({ metadata: { n: '1' } });
    const res = await request(build([[manifest('files'), b]])).post('/v1.0/bindings/files').send({ operation: 'get' }).expect(200);
    expect(res.headers['metadata.n']).toBe('1');
    expect(res.text).toBe('');
  });

  it.each([
    ['a missing operation', 'files', { data: 1 }, 'error invoking output binding files: operation field is missing from request'],
    ['an empty operation', 'files', { operation: '' }, 'error invoking output binding files: operation field is missing from request'],
    [
      'an unsupported operation',
      'files',
      { operation: 'delete' },
      'error invoking output binding files: binding files does not support operation delete. supported operations:create get',
    ],
    ['an unknown binding', 'nope', { operation: 'create' }, "error invoking output binding nope: couldn't find output binding nope"],
    ['an input-only binding', 'inonly', { operation: 'create' }, "error invoking output binding inonly: couldn't find output binding inonly"],
  ])('answers 500 %s', async (_what, name, body, message) => {
    const app = build([
      [manifest('files'), new FakeBinding()],
      [manifest('inonly', [{ name: 'direction', value: ' Input ' }]), new FakeBinding()],
    ]);
    const res = await request(app).post(`/v1.0/bindings/${name}`).send(body).expect(500);
    expect(res.body).toEqual({ errorCode: OUTPUT_ERR, message });
  });

  it('reports no binding at all the same way', async () => {
    const res = await request(build([])).post('/v1.0/bindings/x').send({ operation: 'create' }).expect(500);
    expect(res.body).toEqual({ errorCode: OUTPUT_ERR, message: "error invoking output binding x: couldn't find output binding x" });
  });

  it('wraps a component failure and keeps its metadata headers', async () => {
    const b = new FakeBinding();
    b.answer = async () => {
      throw Object.assign(new Error('disk full'), { metadata: { statusCode: '507' } });
    };
    const res = await request(build([[manifest('out', [{ name: 'direction', value: 'output' }]), b]]))
      .post('/v1.0/bindings/out')
      .send({ operation: 'create' })
      .expect(500);
    expect(res.body).toEqual({ errorCode: OUTPUT_ERR, message: 'error invoking output binding out: disk full' });
    expect(res.headers['metadata.statuscode']).toBe('507');
  });

  it.each([
    ['not JSON', '{nope'],
    ['empty', ''],
    ['a JSON string', '"create"'],
    ['metadata that is not strings', '{"operation":"create","metadata":{"n":1}}'],
    ['an operation that is not a string', '{"operation":5}'],
  ])('answers 400 ERR_MALFORMED_REQUEST for a body that is %s', async (_what, body) => {
    const b = new FakeBinding();
    const res = await request(build([[manifest('files'), b]])).post('/v1.0/bindings/files').set('content-type', 'application/json').send(body).expect(400);
    expect(res.body.errorCode).toBe('ERR_MALFORMED_REQUEST');
    expect(res.body.message).toMatch(/^failed deserializing HTTP body: /);
    expect(b.calls).toHaveLength(0);
  });

  it('is not routed for other verbs (falls back to invocation)', async () => {
    const res = await request(build([[manifest('files'), new FakeBinding()]])).get('/v1.0/bindings/files');
    expect(res.status).toBe(404);
    expect(res.body.errorCode).toBe('ERR_DIRECT_INVOKE');
  });

  it('lists the binding sides as capabilities in /v1.0/metadata', async () => {
    const app = build([
      [manifest('both'), new FakeBinding()],
      [manifest('inonly', [{ name: 'direction', value: 'input' }]), new FakeBinding()],
    ]);
    const res = await request(app).get('/v1.0/metadata').expect(200);
    expect(res.body.components).toEqual([
      { name: 'both', type: 'bindings.fake', version: 'v1', capabilities: ['INPUT_BINDING', 'OUTPUT_BINDING'] },
      { name: 'inonly', type: 'bindings.fake', version: 'v1', capabilities: ['INPUT_BINDING'] },
    ]);
  });
});

describe('parseOutputRequest', () => {
  it('treats a JSON null body as an empty request', () => {
    expect(parseOutputRequest(Buffer.from('null'))).toEqual({ data: null, metadata: {}, operation: '' });
  });
});
