/** listen(): requests whose headers or body never arrive are ended; slow but live streams are not. */
import type { Server } from 'node:http';
import net from 'node:net';
import { readBody } from './body';
import { listen } from './listen';
import { respondError, respondJSON } from './respond';

let servers: Server[] = [];
let port: number;

beforeAll(async () => {
  const r = await listen(
    (req, res) => {
      if (req.url === '/late') {
        // a long invocation: the body is complete, the answer takes a while
        req.resume();
        setTimeout(() => respondJSON(res, 200, { late: true }), 900);
        return;
      }
      readBody(req, 1 << 20).then(
        (b) => respondJSON(res, 200, { bytes: b.length }),
        (err) => respondError(res, err),
      );
    },
    { port: 0, addresses: ['127.0.0.1'], flag: '--test-port', headersTimeoutMs: 300, bodyIdleTimeoutMs: 300 },
  );
  servers = r.servers;
  port = r.port;
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Writes `parts` with `gapMs` between them; resolves with everything the server sent once it closes or answers. */
function exchange(parts: string[], gapMs: number, deadlineMs = 4000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    const deadline = setTimeout(() => {
      sock.destroy();
      reject(new Error(`still open after ${deadlineMs} ms; got ${JSON.stringify(got)}`));
    }, deadlineMs);
    sock.on('data', (d: Buffer) => {
      got += d.toString();
      if (/\r\n\r\n[\s\S]*\}$/.test(got)) sock.end();
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(deadline);
      resolve(got);
    });
    let i = 0;
    const next = () => {
      if (i >= parts.length || sock.destroyed) return;
      sock.write(parts[i++] as string);
      setTimeout(next, gapMs);
    };
    sock.once('connect', next);
  });
}

it('answers 408 and closes when the headers never finish', async () => {
  const got = await exchange(['POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n'], 0);
  expect(got).toMatch(/^HTTP\/1\.1 408/);
});

it('answers 408 ERR_REQUEST_TIMEOUT and closes when the body stalls', async () => {
  const got = await exchange(['POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nabc'], 0);
  expect(got).toMatch(/^HTTP\/1\.1 408/);
  expect(got).toContain('"errorCode":"ERR_REQUEST_TIMEOUT"');
});

it('does not cut a streamed body that keeps sending, however long it takes', async () => {
  const chunks = Array.from({ length: 8 }, () => '5\r\nhello\r\n');
  const got = await exchange(['POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n', ...chunks, '0\r\n\r\n'], 120);
  expect(got).toMatch(/^HTTP\/1\.1 200/);
  expect(got).toContain('{"bytes":40}');
});

it('does not cut a request whose body is complete while the answer takes longer than the timeouts', async () => {
  const got = await exchange(['POST /late HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nok'], 0);
  expect(got).toMatch(/^HTTP\/1\.1 200/);
});
