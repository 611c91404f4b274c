/**
 * Companion of fuzz.test.ts: fuzzes the public API and the sidecar-to-sidecar (internal) port, both
 * served by listen() with short header/body timeouts and mTLS off, with the hostile inputs of
 * issue 12: foreign Host/Origin/Sec-Fetch-Site, deep JSON, oversized metadata, slow headers and
 * stalled bodies. Every request is answered (or closed) before a deadline; nothing throws.
 */
import http, { type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { build } from '../../test/support/app';
import { AppChannel } from '../invoke/app-channel';
import { createDirectMessaging } from '../invoke/direct-messaging';
import { listen } from './listen';
import { guardFor } from './request-guard';
import { respondError } from './respond';

const HOSTS = [undefined, 'localhost:3500', '127.0.0.1', '[::1]:1', 'attacker.example', 'nodeapp', 'a:b', '[::1', ''];
const ORIGINS = [undefined, 'http://attacker.example', 'null', 'http://localhost:8080'];
const SITES = [undefined, 'cross-site', 'same-site', 'same-origin', 'none'];
const PATHS = ['/v1.0/state/statestore', '/v1.0/metadata/k', '/v1.0/metadata/' + 'k'.repeat(300), '/v1.0/bindings/files', '/v1.0/invoke/nodeapp/method/x', '/v1.0-alpha1/publish/bulk/pubsub/t', '/method', '/%2e%2e/x'];
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const BODIES = [undefined, '{}', deep(50_000), `[{"key":"k","value":${deep(2000)}}]`, 'x'.repeat(70 * 1024), '{"operation":"create"}'];
const VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'];
const CALLEES = [undefined, 'nodeapp', 'other', ''];
jest.setTimeout(60000);
const TIMEOUTS = { headersTimeoutMs: 300, bodyIdleTimeoutMs: 300 };

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

const servers: Server[] = [];
let app: Server;
let channel: AppChannel;
let thrown = 0;

afterAll(async () => {
  channel?.close();
  for (const s of [...servers, app]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: http.RequestListener): Promise<number> {
  const safe: http.RequestListener = (req, res) => {
    try {
      handler(req, res);
    } catch {
      thrown++;
      res.destroy();
    }
  };
  const r = await listen(safe, { port: 0, addresses: ['127.0.0.1'], flag: '--fuzz', ...TIMEOUTS });
  servers.push(...r.servers);
  return r.port;
}

/** One raw request; resolves with the status, 0 when the server closed without an answer, -1 on the deadline. */
function rawRequest(port: number, head: string, body: string | undefined, stallMs = 0): Promise<number> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    const deadline = setTimeout(() => {
      sock.destroy();
      resolve(-1);
    }, 5000);
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(got);
      if (m) {
        clearTimeout(deadline);
        sock.destroy();
        resolve(Number(m[1]));
      }
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(deadline);
      resolve(0);
    });
    sock.once('connect', () => {
      if (stallMs < 0) sock.write(head.slice(0, Math.max(1, head.length >> 1))); // headers never finish
      else if (stallMs > 0 && body) sock.write(head + body.slice(0, body.length >> 1)); // body stalls
      else sock.write(body === undefined ? head : head + body);
    });
  });
}

it('answers every hostile request on the public API and the internal port, in time, without throwing', async () => {
  app = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  channel = new AppChannel({ protocol: 'http', address: '127.0.0.1', port: (app.address() as AddressInfo).port, maxConcurrency: 2 });
  const dm = createDirectMessaging({ appId: 'nodeapp', resolver: { name: 'none', resolve: async () => undefined, invalidate() {} }, appChannel: channel, maxBodySize: 1 << 20 });
  const b = build();
  const guard = guardFor(b.deps.options);
  const ports = {
    public: await serve(b.app),
    internal: await serve((req, res) => {
      if (guard.handle(req, res)) return;
      dm.deliverFromPeer(req, res).catch((err) => respondError(res, err));
    }),
  };
  const next = rng(7);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)] as T;
  const statuses = new Map<number, number>();
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < 600; i++) {
    const port = next() < 0.5 ? ports.public : ports.internal;
    const method = pick(VERBS);
    const host = pick(HOSTS);
    const origin = pick(ORIGINS);
    const site = pick(SITES);
    const callee = pick(CALLEES);
    const body = method === 'GET' ? undefined : pick(BODIES);
    const lines = [`${method} ${pick(PATHS)} HTTP/1.1`];
    if (host !== undefined) lines.push(`Host: ${host}`);
    if (origin !== undefined) lines.push(`Origin: ${origin}`);
    if (site !== undefined) lines.push(`Sec-Fetch-Site: ${site}`);
    if (callee !== undefined) lines.push(`dapr-callee-app-id: ${callee}`);
    if (method === 'OPTIONS' && next() < 0.5) lines.push('Access-Control-Request-Method: POST');
    if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Content-Type: text/plain');
    const slow = next();
    const stall = slow < 0.03 ? -1 : slow < 0.06 && body ? 1 : 0;
    const p = rawRequest(port, lines.join('\r\n') + '\r\nConnection: close\r\n\r\n', body, stall).then((status) => {
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
    pending.push(p);
    if (pending.length >= 16) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  expect(thrown).toBe(0);
  expect(statuses.get(-1) ?? 0).toBe(0); // nothing hung
  for (const s of statuses.keys()) expect([0, 200, 204, 400, 403, 404, 405, 408, 413, 431, 500, 501]).toContain(s);
  for (const s of [200, 400, 403, 408]) expect(statuses.get(s) ?? 0).toBeGreaterThan(0); // every guard was reached
  expect(channel.usage).toEqual({ active: 0, waiting: 0 }); // no slot leaked
});
