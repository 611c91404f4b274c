import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { attachH2, type H2Sink } from './h2-peer';

/** An HTTP/1.1 server whose HTTP/2 connections go to a plain node:http2 server (the sink). */
async function serve(sniffTimeoutMs = 2000) {
  const h1 = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => res.end(`h1 ${req.method} ${req.url} ${body}`));
  });
  const h2 = http2.createServer();
  h2.on('stream', (stream, headers) => {
    stream.respond({ ':status': 200 });
    stream.end(`h2 ${String(headers[':path'])}`);
  });
  const injected: net.Socket[] = [];
  const sink: H2Sink = {
    inject(socket) {
      injected.push(socket);
      h2.emit('connection', socket);
    },
  };
  attachH2(h1, false, sink, sniffTimeoutMs);
  await new Promise<void>((r) => h1.listen(0, '127.0.0.1', r));
  const port = (h1.address() as AddressInfo).port;
  return {
    port,
    injected,
    close: () =>
      new Promise<void>((r) => {
        h1.closeAllConnections();
        for (const s of injected) s.destroy();
        h1.close(() => r());
      }),
  };
}

/** Raw bytes in, raw bytes out (until the server closes or `until` matches). */
function raw(port: number, chunks: string[], until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (until.test(got)) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.on('connect', async () => {
      for (const c of chunks) {
        s.write(c);
        await new Promise((r) => setImmediate(r));
      }
    });
  });
}

describe('attachH2 without TLS', () => {
  it('hands HTTP/1.1 requests to the HTTP server unchanged, keep-alive and pipelining included', async () => {
    const srv = await serve();
    try {
      const out = await raw(
        srv.port,
        ['PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc', 'GET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
        /h1 GET \/c/,
      );
      expect(out).toContain('h1 PUT /a abc');
      expect(out).toContain('h1 GET /b');
      expect(out).toContain('h1 GET /c');
      expect(srv.injected).toHaveLength(0);
    } finally {
      await srv.close();
    }
  });

  it('hands a connection starting with the HTTP/2 preface to the sink, even split across packets', async () => {
    const srv = await serve();
    try {
      const client = http2.connect(`http://127.0.0.1:${srv.port}`);
      const body = await new Promise<string>((resolve, reject) => {
        const req = client.request({ ':path': '/grpc.Svc/M' });
        let b = '';
        req.on('data', (d: Buffer) => (b += d.toString()));
        req.on('end', () => resolve(b));
        req.on('error', reject);
        req.end();
      });
      client.close();
      expect(body).toBe('h2 /grpc.Svc/M');
      expect(srv.injected).toHaveLength(1);
      // A preface in pieces: the decision waits for all 24 bytes.
      const pieces = await raw(srv.port, ['PRI * HT', 'TP/2.0\r\n', '\r\nSM\r\n\r\n', '\x00\x00\x00\x04\x00\x00\x00\x00\x00'], /[\s\S]{9}/);
      expect(pieces.length).toBeGreaterThanOrEqual(9); // the sink's SETTINGS frame
      expect(srv.injected).toHaveLength(2);
    } finally {
      await srv.close();
    }
  });

  it('a request line that only starts like the preface ("PRIX") stays HTTP/1.1', async () => {
    const srv = await serve();
    try {
      const out = await raw(srv.port, ['PRIX / HTTP/1.1\r\nHost: x\r\n\r\n'], /HTTP\/1\.1 \d{3}/);
      expect(out).toMatch(/^HTTP\/1\.1 /);
      expect(srv.injected).toHaveLength(0);
    } finally {
      await srv.close();
    }
  });

  it('closes a connection that sends nothing within the header timeout', async () => {
    const srv = await serve(150);
    try {
      const started = Date.now();
      const out = await raw(srv.port, [], /never/);
      expect(out).toBe('');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await srv.close();
    }
  });
});
