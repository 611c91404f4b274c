import { messageKey, SubscriberApp } from './pubsub-app';

describe('messageKey', () => {
  it('reads data.key, a string data, or the same inside data_base64', () => {
    expect(messageKey({ data: { key: 'k1' } })).toBe('k1');
    expect(messageKey({ data: 'message-run-3' })).toBe('message-run-3');
    expect(messageKey({ data_base64: Buffer.from('{"key":"k2"}').toString('base64') })).toBe('k2');
    expect(messageKey({ data_base64: Buffer.from('plain').toString('base64') })).toBe('plain');
    expect(messageKey({ data: { other: 1 } })).toBeUndefined();
  });
});

describe('SubscriberApp', () => {
  let app: SubscriberApp;
  const post = (path: string, body: unknown) =>
    fetch(`http://127.0.0.1:${app.port}${path}`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(body) });

  beforeEach(async () => {
    app = await SubscriberApp.start([{ pubsubname: 'p', topic: 't', route: '/t' }]);
  });
  afterEach(() => app.close());

  it('answers GET /dapr/subscribe with its subscriptions', async () => {
    const r = await fetch(`http://127.0.0.1:${app.port}/dapr/subscribe`);
    expect(await r.json()).toEqual([{ pubsubname: 'p', topic: 't', route: '/t' }]);
  });

  it('answers each delivery as its route says and counts attempts per key', async () => {
    app.on('/t', (d) => (d.attempt === 1 ? 'retry' : 'success'));
    const first = await post('/t', { id: '1', data: { key: 'a' } });
    expect({ status: first.status, body: await first.text() }).toEqual({ status: 200, body: '{"status":"RETRY"}' });
    await post('/t', { id: '1', data: { key: 'a' } });
    app.on('/t', 'notFound');
    expect((await post('/t', { id: '2', data: { key: 'b' } })).status).toBe(404);
    expect(app.attemptsOf('/t', 'a')).toBe(2);
    expect([...app.succeeded('/t')]).toEqual(['a']);
    expect(app.keys('/t')).toEqual(['a', 'a', 'b']);
  });

  it('answers a bulk delivery with one status per entry', async () => {
    app.on('/t', (d) => (d.key === 'x' ? 'error' : d.key === 'y' ? 'drop' : 'empty'));
    const r = await post('/t', {
      type: 'com.dapr.event.sent.bulk',
      entries: [
        { entryId: '1', event: { data: { key: 'x' } } },
        { entryId: '2', event: { data: { key: 'y' } } },
        { entryId: '3', event: { data: { key: 'z' } } },
      ],
    });
    expect(await r.json()).toEqual({ statuses: [{ entryId: '1', status: 'RETRY' }, { entryId: '2', status: 'DROP' }, { entryId: '3', status: 'SUCCESS' }] });
    expect(app.batches).toEqual([{ route: '/t', size: 3 }]);
  });

  it('keeps deliveries it cannot decode apart', async () => {
    await post('/t', { id: '1', data: { nokey: true } });
    expect(app.undecodable).toHaveLength(1);
    expect(app.deliveries).toHaveLength(0);
  });
});
