/**
 * Self-invocation through createDirectMessaging against a raw TCP "app": --app-max-concurrency slots
 * survive callers that hang up; answers Node cannot relay (status 099/000/101) become
 * ERR_DIRECT_INVOKE and a 204 with a body a plain 204, instead of a hang or an uncaught exception.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { respondError } from '../server/respond';
import { AppChannel } from './app-channel';
import { createDirectMessaging, type DirectMessaging } from './direct-messaging';

const RAW_ANSWERS: Record<string, string> = {
  '/status-099': 'HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nok',
  '/status-000': 'HTTP/1.1 000 Zero\r\nContent-Length: 0\r\n\r\n',
  '/status-101': 'HTTP/1.1 101 Switching Protocols\r\nContent-Length: 0\r\n\r\n',
  '/nocontent-body': 'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello',
  '/fast': 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfast',
};

let app: net.Server;
let front: http.Server;
let frontPort: number;
let channel: AppChannel;
let dm: DirectMessaging;
const held: net.Socket[] = [];
const hits: string[] = [];

beforeAll(async () => {
  app = net.createServer((sock) => {
    let buf = '';
    sock.on('error', () => {});
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const path = buf.slice(0, end).split(' ')[1] ?? '';
      buf = '';
      hits.push(path);
      if (path === '/slow') {
        held.push(sock); // answered by answerHeld()
        return;
      }
      sock.end(RAW_ANSWERS[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  channel = new AppChannel({ protocol: 'http', address: '127.0.0.1', port: (app.address() as AddressInfo).port, maxConcurrency: 1 });
  dm = createDirectMessaging({
    appId: 'me',
    resolver: { name: 'none', resolve: async () => undefined, invalidate() {} },
    appChannel: channel,
    maxBodySize: 1024,
  });
  front = http.createServer((req, res) => {
    // As the endpoint machinery does: a rejected call is answered by the one error writer.
    dm.invoke(req, res, { appId: 'me', method: (req.url ?? '/').slice(1) }, '', false).catch((err: unknown) => respondError(res, err));
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  frontPort = (front.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of held) s.destroy();
  dm.close();
  channel.close();
  front.closeAllConnections();
  await new Promise((r) => front.close(r));
  await new Promise((r) => app.close(r));
});

function answerHeld(): void {
  for (const s of held.splice(0)) s.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nslow');
}

/** GET through the sidecar; rejects after `ms` instead of hanging the suite. */
function get(path: string, ms = 3000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ port: frontPort, host: '127.0.0.1', path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(ms, () => req.destroy(new Error(`no answer to ${path} within ${ms} ms`)));
    req.on('error', reject);
  });
}

/** Sends a GET on a raw socket and returns the socket, so the test can hang up while it waits. */
async function openAndLeave(path: string): Promise<net.Socket> {
  const sock = net.connect(frontPort, '127.0.0.1');
  sock.on('error', () => {});
  await new Promise((r) => sock.once('connect', r));
  sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return sock;
}

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('--app-max-concurrency slots', () => {
  it('drops a queued caller that hung up and keeps serving the others', async () => {
    const first = await openAndLeave('/slow');
    await until(() => held.length === 1, 'the app to hold /slow');
    const queued = await openAndLeave('/fast');
    await until(() => channel.usage.waiting === 1, 'the second caller to queue');
    queued.destroy();
    await until(() => channel.usage.waiting === 0, 'the abandoned waiter to leave the queue');
    answerHeld();
    first.destroy();
    await until(() => channel.usage.active === 0, 'the slot to be free');
    expect(await get('/fast')).toEqual({ status: 200, body: 'fast' });
    expect(hits.filter((h) => h === '/fast')).toHaveLength(1); // the abandoned call never reached the app
  });

  it('frees the slot when the caller hangs up before the app answers', async () => {
    const caller = await openAndLeave('/slow');
    await until(() => held.length === 1, 'the app to hold /slow');
    caller.destroy();
    await until(() => channel.usage.active === 0, 'the slot to be free');
    answerHeld();
    expect((await get('/fast')).status).toBe(200);
  });
});

describe('answers Node cannot relay', () => {
  it.each(['/status-099', '/status-000', '/status-101'])('%s → 500 ERR_DIRECT_INVOKE, never a hang', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toMatchObject({ errorCode: 'ERR_DIRECT_INVOKE' });
    expect(channel.usage).toEqual({ active: 0, waiting: 0 });
    expect((await get('/fast')).status).toBe(200);
  });

  it('relays a 204 that wrongly carries a body as a plain 204 (as daprd does), with no second answer', async () => {
    expect(await get('/nocontent-body')).toEqual({ status: 204, body: '' });
    expect(channel.usage).toEqual({ active: 0, waiting: 0 });
    expect(await get('/fast')).toEqual({ status: 200, body: 'fast' });
  });
});
