import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { InMemoryPubSub } from '../components/pubsub/in-memory';
import type { Message } from '../components/pubsub/contract';
import { ComponentStore } from '../components/store';
import { AppChannel } from '../invoke/app-channel';
import { CLOUDEVENT_CONTENT_TYPE, Deliveries, deliveryHeaders, MAX_DELIVERY_ATTEMPTS, prepareEvent, verdictFor } from './delivery';
import { buildSubscription, type Subscription } from './subscriptions';

const logger = pino({ level: 'silent' });

describe('verdictFor (app answer → broker result)', () => {
  it.each([
    [200, '', 'success'],
    [204, '', 'success'],
    [200, 'OK', 'success'],
    [200, '{}', 'success'],
    [200, '[]', 'success'],
    [200, '{"status":""}', 'success'],
    [200, '{"status":"SUCCESS"}', 'success'],
    [201, '{"status":"SUCCESS"}', 'success'],
    [200, '{"status":"RETRY"}', 'retry'],
    [200, '{"status":"DROP"}', 'drop'],
    [200, '{"status":"success"}', 'retry'],
    [200, '{"status":"drop"}', 'retry'],
    [200, '{"status":"WHATEVER"}', 'retry'],
    // Go decodes the answer into a struct: the field name is case-insensitive, its value is not.
    [200, '{"Status":"RETRY"}', 'retry'],
    [200, '{"STATUS":"DROP"}', 'drop'],
    [200, '{"Status":"DROP","status":"SUCCESS"}', 'success'],
    [404, '', 'drop'],
    [404, '{"status":"SUCCESS"}', 'drop'],
    [500, '{"status":"SUCCESS"}', 'retry'],
    [400, '', 'retry'],
    [302, '', 'retry'],
  ])('%i %s → %s', (status, body, expected) => {
    expect(verdictFor(status, Buffer.from(body)).result).toBe(expected);
  });
});

describe('envelope helpers', () => {
  const sub = buildSubscription({ pubsubname: 'ps', topic: 't', route: '/r' }, 'PROGRAMMATIC', 'x') as Subscription;

  it('builds the delivery headers from metadata, pubsubname and trace context', () => {
    const msg: Message = { topic: 't', data: Buffer.from('{}'), metadata: { 'x-custom': 'v', 'content-length': '99', 'bad header': 'x', 'dapr-api-token': 'leak' } };
    const h = deliveryHeaders(sub, msg, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, 2);
    expect(h).toEqual({
      'x-custom': 'v',
      pubsubname: 'ps',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'content-type': CLOUDEVENT_CONTENT_TYPE,
      'content-length': 2,
    });
  });

  it('passes CloudEvent bytes through untouched and wraps raw payloads', () => {
    const bytes = Buffer.from('{"id":"1","type":"t",  "data":{"a":1}}');
    expect(prepareEvent(sub, { topic: 't', data: bytes })?.body).toBe(bytes);
    expect(prepareEvent(sub, { topic: 't', data: Buffer.from('not json') })).toBeUndefined();
    const raw = { ...sub, metadata: { rawPayload: 'true' } };
    const p = prepareEvent(raw, { topic: 't', data: Buffer.from('hello') });
    expect(p?.event).toMatchObject({ specversion: '1.0', datacontenttype: 'application/octet-stream', topic: 't', pubsubname: 'ps', data_base64: Buffer.from('hello').toString('base64') });
    expect(JSON.parse(p?.body.toString() ?? '')).toEqual(p?.event);
  });
});

describe('Deliveries', () => {
  let server: http.Server;
  let reply: (path: string, body: string) => { status: number; body: string };
  const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  let channel: AppChannel;
  let broker: InMemoryPubSub;
  let store: ComponentStore;
  let deliveries: Deliveries;

  beforeEach(async () => {
    received.length = 0;
    reply = () => ({ status: 200, body: '' });
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        received.push({ path: req.url ?? '', headers: req.headers, body });
        const r = reply(req.url ?? '', body);
        res.writeHead(r.status).end(r.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    channel = new AppChannel({ protocol: 'http', address: '127.0.0.1', port: (server.address() as AddressInfo).port, appApiToken: 'app-secret', maxConcurrency: 0 });
    broker = new InMemoryPubSub(logger);
    store = new ComponentStore();
    store.add({ manifest: { name: 'ps', category: 'pubsub', type: 'pubsub.in-memory', version: 'v1', metadata: [] } as never, instance: broker });
    deliveries = new Deliveries({ channel, logger });
  });

  afterEach(async () => {
    await deliveries.stop(1000);
    await broker.close();
    channel.close();
    await new Promise((r) => server.close(r));
  });

  function sub(raw: Record<string, unknown>): Subscription {
    return buildSubscription({ pubsubname: 'ps', topic: 'orders', ...raw }, 'PROGRAMMATIC', 'test') as Subscription;
  }

  function envelope(id: string, extra: Record<string, unknown> = {}): Buffer {
    return Buffer.from(JSON.stringify({ specversion: '1.0', id, source: 'app', type: 'order', datacontenttype: 'application/json', data: { n: 1 }, ...extra }));
  }

  async function until(check: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('posts the envelope bytes with the CloudEvents content type, token and metadata headers', async () => {
    await deliveries.start([sub({ route: 'orders' })], store);
    const bytes = envelope('1');
    await broker.publish({ topic: 'orders', data: bytes, metadata: { 'x-tenant': 'acme' } });
    await until(() => received.length === 1);
    expect(received[0]).toMatchObject({ path: '/orders', body: bytes.toString() });
    expect(received[0]?.headers).toMatchObject({ 'content-type': CLOUDEVENT_CONTENT_TYPE, 'dapr-api-token': 'app-secret', pubsubname: 'ps', 'x-tenant': 'acme' });
  });

  it('routes by the first matching rule and skips unmatched messages', async () => {
    await deliveries.start([sub({ routes: { rules: [{ match: 'event.data.n > 5', path: '/big' }, { match: 'event.type == "order"', path: '/order' }] } })], store);
    await broker.publish({ topic: 'orders', data: envelope('a', { data: { n: 10 } }) });
    await broker.publish({ topic: 'orders', data: envelope('b', { type: 'other' }) });
    await broker.publish({ topic: 'orders', data: envelope('c') });
    await until(() => received.length === 2);
    expect(received.map((r) => r.path).sort()).toEqual(['/big', '/order']);
  });

  it('does not deliver expired envelopes', async () => {
    await deliveries.start([sub({ route: '/orders' })], store);
    await broker.publish({ topic: 'orders', data: envelope('old', { expiration: new Date(Date.now() - 1000).toISOString() }) });
    await broker.publish({ topic: 'orders', data: envelope('new') });
    await until(() => received.length === 1);
    expect(JSON.parse(received[0]?.body ?? '{}').id).toBe('new');
  });

  it('dead-letters a dropped message and, after the retry budget, a retried one', async () => {
    const dead: Buffer[] = [];
    await broker.subscribe({ topic: 'poison' }, async (m) => {
      dead.push(m.data);
      return 'success';
    });
    reply = (_p, body) => ({ status: 200, body: JSON.parse(body).id === 'drop-me' ? '{"status":"DROP"}' : '{"status":"RETRY"}' });
    await deliveries.start([sub({ route: '/orders', deadLetterTopic: 'poison' })], store);
    await broker.publish({ topic: 'orders', data: envelope('drop-me') });
    await until(() => dead.length === 1);
    expect(JSON.parse(dead[0]?.toString() ?? '{}').id).toBe('drop-me');
    await broker.publish({ topic: 'orders', data: envelope('retry-me') });
    await until(() => dead.length === 2);
    expect(received.filter((r) => JSON.parse(r.body).id === 'retry-me')).toHaveLength(MAX_DELIVERY_ATTEMPTS);
  });

  it('dead-letters unmatched and undecodable messages when a dead-letter topic is set', async () => {
    const dead: string[] = [];
    await broker.subscribe({ topic: 'poison' }, async (m) => {
      dead.push(m.data.toString());
      return 'success';
    });
    await deliveries.start([sub({ routes: { rules: [{ match: 'event.type == "never"', path: '/never' }] }, deadLetterTopic: 'poison' })], store);
    await broker.publish({ topic: 'orders', data: envelope('unmatched') });
    await broker.publish({ topic: 'orders', data: Buffer.from('not a cloud event') });
    await until(() => dead.length === 2);
    expect(dead.sort()).toEqual(['not a cloud event', envelope('unmatched').toString()]);
    expect(received).toHaveLength(0);
  });

  it('stops taking messages on stop() and lets in-flight deliveries finish', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let answered = false;
    server.removeAllListeners('request');
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      req.resume();
      received.push({ path: req.url ?? '', headers: req.headers, body: '' });
      void gate.then(() => {
        answered = true;
        res.writeHead(200).end();
      });
    });
    await deliveries.start([sub({ route: '/orders' })], store);
    await broker.publish({ topic: 'orders', data: envelope('slow') });
    await until(() => received.length === 1);
    const stopped = deliveries.stop(5000);
    await broker.publish({ topic: 'orders', data: envelope('late') });
    release();
    await stopped;
    expect(answered).toBe(true);
    expect(received).toHaveLength(1);
  });
});
