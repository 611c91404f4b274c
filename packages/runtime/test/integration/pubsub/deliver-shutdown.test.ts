/**
 * Scenario: SIGTERM while the app is still handling a delivery. The sidecar stops taking messages,
 * lets the in-flight POST finish (its connection stays open until the app answers), never
 * dead-letters because of the shutdown, and exits 0.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { canBind, componentYaml, startSidecar, stopAll, waitFor, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

const SUBSCRIPTIONS = [
  { pubsubname: 'pubsub', topic: 'slow', route: '/slow', deadLetterTopic: 'poison' },
  { pubsubname: 'pubsub', topic: 'poison', route: '/poison' },
];

let server: http.Server;
let sidecar: Sidecar;
let release: () => void = () => {};
const posts: string[] = [];
let inflight: { answered: boolean; closedEarly: boolean } | undefined;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/dapr/subscribe') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SUBSCRIPTIONS));
      return;
    }
    posts.push(req.url ?? '');
    req.resume();
    if (req.url !== '/slow') {
      res.writeHead(200).end();
      return;
    }
    const state = { answered: false, closedEarly: false };
    inflight = state;
    res.on('close', () => {
      if (!state.answered) state.closedEarly = true;
    });
    release = () => {
      if (state.answered) return;
      state.answered = true;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"RETRY"}');
    };
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sidecar = await startSidecar({
    appId: 'slow-subscriber',
    appPort: (server.address() as AddressInfo).port,
    resources: { 'pubsub.yaml': componentYaml('pubsub', 'pubsub.in-memory') },
  });
});

afterAll(async () => {
  release();
  await sidecar?.stop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await stopAll();
});

it('lets the in-flight delivery finish before exiting, without dead-lettering', async () => {
  const r = await fetch(`${sidecar.url}/v1.0/publish/pubsub/slow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' });
  expect(r.status).toBe(204);
  await waitFor('the app to receive the delivery', () => inflight !== undefined);
  process.kill(sidecar.process.pid, 'SIGTERM');
  await sidecar.process.waitForOutput('shutting down gracefully');
  // The API servers close while the delivery is still in flight; the app channel must stay open.
  await waitFor('the HTTP port to close', async () => await canBind(sidecar.httpPort));
  expect(inflight).toEqual({ answered: false, closedEarly: false });
  release();
  expect(await sidecar.process.exited).toEqual({ code: 0, signal: null });
  expect(inflight).toEqual({ answered: true, closedEarly: false });
  expect(posts).toEqual(['/slow']);
});
