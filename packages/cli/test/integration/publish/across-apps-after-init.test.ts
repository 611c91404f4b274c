/**
 * Scenario (issue 5 acceptance): after `minidapr init`, two apps started by two separate
 * `minidapr run` commands exchange events with no Redis, and events published while the subscriber
 * is stopped arrive when it starts again (the default pubsub is the embedded durable broker).
 */
import { freePort } from '@minidapr/testkit';
import { cleanup, minidapr, minidaprDone, scenario } from '../helpers';

jest.setTimeout(60000);
const s = scenario();
afterAll(() => cleanup(s));

const SUBSCRIBER = `
const http = require('node:http');
const port = Number(process.env.APP_PORT);
http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.url === '/dapr/subscribe') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]));
    }
    if (req.url === '/orders') {
      console.log('Subscriber received: ' + JSON.stringify(JSON.parse(body).data));
      res.writeHead(200);
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
}).listen(port, () => console.log('subscriber listening on ' + port));
`;

it('delivers across two minidapr run commands and keeps what was published while the subscriber was down', async () => {
  s.dir.write({ 'sub.js': SUBSCRIBER });
  expect((await minidaprDone(s, ['init'])).code).toBe(0);
  const publisher = minidapr(s, ['run', '--app-id', 'pub', '--dapr-http-port', String(await freePort())]);
  await publisher.waitForOutput("You're up and running! Dapr logs will appear here.", 20000);

  const appPort = await freePort();
  const subArgs = ['run', '--app-id', 'sub', '--app-port', String(appPort), '--dapr-http-port', String(await freePort()), '--', 'node', 'sub.js'];
  const sub = minidapr(s, subArgs);
  await sub.waitForOutput("You're up and running! Both Dapr and your app logs will appear here.", 20000);

  const first = await minidaprDone(s, ['publish', '--publish-app-id', 'pub', '--pubsub', 'pubsub', '--topic', 'orders', '--data', '{"orderId":1}']);
  expect(first.stdout.trim()).toBe('Event published successfully');
  await sub.waitForOutput('Subscriber received: {"orderId":1}', 15000);

  expect((await minidaprDone(s, ['stop', '--app-id', 'sub'])).code).toBe(0);
  await sub.exited;
  const second = await minidaprDone(s, ['publish', '-i', 'pub', '-p', 'pubsub', '-t', 'orders', '-d', '{"orderId":2}']);
  expect(second.code).toBe(0);

  const again = minidapr(s, subArgs);
  await again.waitForOutput('Subscriber received: {"orderId":2}', 20000);
  expect(again.stdout()).not.toContain('Subscriber received: {"orderId":1}');

  const bad = await minidaprDone(s, ['publish', '-i', 'pub', '-p', 'nope', '-t', 'orders', '-d', '{}']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('ERR_PUBSUB_NOT_FOUND');
  const ghost = await minidaprDone(s, ['publish', '-i', 'ghost', '-p', 'pubsub', '-t', 'orders', '-d', '{}']);
  expect(ghost.code).toBe(1);
  expect(ghost.stderr).toContain('app id ghost');
});
