/**
 * Scenario: graceful shutdown with an input binding. While the app is still answering a cron event
 * (slowly), the sidecar gets SIGTERM: it stops reading at once (no new event is posted) and waits for
 * the in-flight post to finish instead of cutting the connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { componentYaml, startSidecar, stopAll, waitFor, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(30000);

interface Post {
  at: number;
  answeredAt?: number;
  cut: boolean;
}

const posts: Post[] = [];
let server: http.Server;
let sidecar: Sidecar;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    if (req.method !== 'POST') {
      res.writeHead(200).end();
      return;
    }
    const post: Post = { at: Date.now(), cut: false };
    posts.push(post);
    res.on('close', () => {
      if (!res.writableFinished) post.cut = true;
    });
    setTimeout(() => {
      post.answeredAt = Date.now();
      res.writeHead(200).end('done');
    }, 1500);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  sidecar = await startSidecar({
    appId: 'slow-app',
    appPort: (server.address() as AddressInfo).port,
    resources: { 'cron.yaml': componentYaml('slow', 'bindings.cron', { schedule: '@every 1s', direction: 'input' }) },
  });
});

afterAll(async () => {
  await sidecar?.stop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await stopAll();
});

it('stops reading, then lets the in-flight post finish before exiting', async () => {
  await waitFor('a cron event in flight', () => posts.length >= 1, { timeoutMs: 8000 });
  const stopAt = Date.now();
  await sidecar.stop();
  const first = posts[0] as Post;
  expect(first.cut).toBe(false);
  expect(first.answeredAt).toBeDefined();
  expect(Date.now()).toBeGreaterThanOrEqual(first.answeredAt as number);
  // No event was posted after the shutdown began.
  expect(posts.filter((p) => p.at > stopAt + 50)).toHaveLength(0);
});
