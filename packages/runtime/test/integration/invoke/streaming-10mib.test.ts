/** Scenario: a 10 MiB body streams through two sidecars both ways, byte for byte. */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSidecar, stopAll, tempDir, type Sidecar } from '@minidapr/testkit';

jest.setTimeout(60000);

const home = tempDir('minidapr-home-');
let server: http.Server;
let target: Sidecar;
let caller: Sidecar;
const payload = randomBytes(10 * 1024 * 1024);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  // The app hashes what it receives and streams back a 10 MiB body of its own, chunked.
  server = http.createServer((req, res) => {
    const h = createHash('sha256');
    let size = 0;
    req.on('data', (c: Buffer) => {
      h.update(c);
      size += c.length;
    });
    req.on('end', () => {
      res.writeHead(200, { 'x-received-sha': h.digest('hex'), 'x-received-size': String(size) });
      let sent = 0;
      const step = () => {
        while (sent < payload.length) {
          const chunk = payload.subarray(sent, sent + 1024 * 1024);
          sent += chunk.length;
          if (!res.write(chunk)) return res.once('drain', step);
        }
        res.end();
      };
      step();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  target = await startSidecar({ appId: 'sink', appPort: port, home: home.path, args: ['--max-body-size', '32Mi'] });
  caller = await startSidecar({ appId: 'source', home: home.path, args: ['--max-body-size', '32Mi'] });
});

afterAll(async () => {
  await Promise.all([target?.stop(), caller?.stop()]);
  server?.close();
  await stopAll();
  home.remove();
});

it('streams the request and the response unchanged', async () => {
  const r = await fetch(`${caller.url}/v1.0/invoke/sink/method/upload`, { method: 'PUT', body: payload });
  expect(r.status).toBe(200);
  expect(r.headers.get('x-received-size')).toBe(String(payload.length));
  expect(r.headers.get('x-received-sha')).toBe(sha(payload));
  const back = Buffer.from(await r.arrayBuffer());
  expect(back.length).toBe(payload.length);
  expect(sha(back)).toBe(sha(payload));
});

it('refuses a body over --max-body-size with 413', async () => {
  const small = await startSidecar({ appId: 'small', home: home.path, args: ['--max-body-size', '1Mi'] });
  try {
    const r = await fetch(`${small.url}/v1.0/invoke/sink/method/upload`, { method: 'POST', body: payload });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { errorCode: string }).errorCode).toBe('ERR_BODY_TOO_LARGE');
  } finally {
    await small.stop();
  }
});
