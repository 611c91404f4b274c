import { PUBSUB, STATESTORE, world } from './helpers';

jest.setTimeout(30000);
const w = world();
afterAll(() => w.close());

interface Explored {
  request: { method: string; url: string; headers: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: string; durationMs: number };
  traceId: string;
}

it('invokes another app, publishes and saves/reads state through an app sidecar', async () => {
  const { sidecar } = await w.addApp('caller', { 'statestore.yaml': STATESTORE, 'pubsub.yaml': PUBSUB });
  const callee = await w.addApp('callee');
  await w.startDashboard();

  const inv = await w.post<Explored>('/api/apps/caller/explore', { kind: 'invoke', targetAppId: 'callee', method: 'orders/1', verb: 'PUT', headers: { 'x-demo': 'yes' }, body: '{"n":1}' });
  expect(inv.status).toBe(200);
  expect(inv.body.request).toMatchObject({ method: 'PUT', url: `http://127.0.0.1:${sidecar.httpPort}/v1.0/invoke/callee/method/orders/1` });
  expect(inv.body.response.status).toBe(200);
  expect(JSON.parse(inv.body.response.body)).toMatchObject({ method: 'PUT', url: '/orders/1', body: '{"n":1}' });
  expect(inv.body.response.durationMs).toBeGreaterThan(0);
  const got = callee.app.received.find((r) => r.url === '/orders/1');
  expect(got?.headers['x-demo']).toBe('yes');
  expect(String(got?.headers.traceparent)).toContain(inv.body.traceId);

  const pub = await w.post<Explored>('/api/apps/caller/explore', { kind: 'publish', pubsub: 'pubsub', topic: 'orders', data: '{"id":1}' });
  expect(pub.body.response.status).toBe(204);

  const save = await w.post<Explored>('/api/apps/caller/explore', { kind: 'state-save', store: 'statestore', key: 'k1', value: '{"qty":3}' });
  expect(save.body.response.status).toBe(204);
  const read = await w.post<Explored>('/api/apps/caller/explore', { kind: 'state-get', store: 'statestore', key: 'k1' });
  expect(read.body.response).toMatchObject({ status: 200, body: '{"qty":3}' });

  const bad = await w.post<{ error: string }>('/api/apps/caller/explore', { kind: 'invoke', targetAppId: 'callee' });
  expect(bad).toEqual({ status: 400, body: { error: expect.stringMatching(/^method:/) } });
  expect((await w.post('/api/apps/nobody/explore', { kind: 'state-get', store: 's', key: 'k' })).status).toBe(404);
});
