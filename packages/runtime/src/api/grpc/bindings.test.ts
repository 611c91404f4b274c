/**
 * InvokeBinding over a real grpc-js server and client: data as sent, the request metadata joined
 * by the call's own metadata (never overriding it, `-bin` left out, `grpc-*` renamed), the trace
 * context, the component's data + metadata in the answer, and the error code.
 */
import { Metadata, status } from '@grpc/grpc-js';
import type { InvokeRequest, InvokeResponse, OutputBinding } from '../../components/bindings/contract';
import { ComponentStore } from '../../components/store';
import { serveModules, type Served } from '../../../test/support/grpc';
import { bindingMetadata, handlers } from './bindings';

class FakeBinding implements OutputBinding {
  calls: InvokeRequest[] = [];
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
}

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let served: Served;
let fake: FakeBinding;

beforeAll(async () => {
  const store = new ComponentStore();
  fake = new FakeBinding();
  store.add({ manifest: { name: 'out', category: 'bindings', type: 'bindings.test', version: 'v1', metadata: [], ignoreErrors: false, initTimeoutMs: 1, scopes: [], file: 'o.yaml' }, instance: fake });
  served = await serveModules(store, [handlers]);
});
afterAll(() => served.close());

it('bindingMetadata: request entries win, -bin skipped, reserved grpc- names renamed', () => {
  const md = new Metadata();
  md.set('x-user', 'u');
  md.set('op', 'from-call');
  md.set('grpc-foo', 'g');
  md.set('trace-bin', Buffer.from([1]));
  expect(bindingMetadata({ op: 'from-request' }, md)).toEqual({ op: 'from-request', 'x-user': 'u', 'dapr-foo': 'g' });
});

it('passes operation, bytes and metadata with the trace context; answers data and metadata', async () => {
  fake.answer = async () => ({ data: Buffer.from('result'), metadata: { 'x-count': '3' } });
  const r = await served.client.call('InvokeBinding', { name: 'out', operation: 'create', data: Buffer.from('{"a": 1}'), metadata: { key: 'v' } }, { traceparent: TP, 'x-caller': 'me' });
  expect(r.err).toBeUndefined();
  expect(r.res).toEqual({ data: Buffer.from('result'), metadata: { 'x-count': '3' } });
  expect(r.headers?.get('metadata.x-count')).toEqual(['3']);
  const req = fake.calls[fake.calls.length - 1] as InvokeRequest;
  expect(req.operation).toBe('create');
  expect(req.data.toString()).toBe('{"a": 1}');
  expect(req.metadata).toMatchObject({ key: 'v', 'x-caller': 'me' });
  expect(req.metadata.traceparent).toContain('0af7651916cd43dd8448eb211c80319c');
});

it('no result is an empty answer', async () => {
  fake.answer = async () => undefined;
  expect((await served.client.call('InvokeBinding', { name: 'out', operation: 'get' })).res).toEqual({ data: Buffer.alloc(0), metadata: {} });
});

it('unknown binding, missing or unsupported operation, component failure: INTERNAL without details', async () => {
  fake.answer = async () => {
    throw new Error('downstream broke');
  };
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ name: 'nope', operation: 'create' }, /^error invoking output binding nope: /],
    [{ name: 'out', operation: '' }, /^error invoking output binding out: /],
    [{ name: 'out', operation: 'delete' }, /^error invoking output binding out: /],
    [{ name: 'out', operation: 'create' }, /downstream broke/],
  ];
  for (const [req, message] of cases) {
    const r = await served.client.call('InvokeBinding', req);
    expect(r.err).toMatchObject({ code: status.INTERNAL, details: [] });
    expect(r.err?.message).toMatch(message);
  }
});
