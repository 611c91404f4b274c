/**
 * Scenario: fuzzes the sidecar-to-sidecar port with mTLS on, from a client holding a valid workload
 * certificate: random verbs, paths (encodings, dots, control characters), identity headers and
 * bodies. Every request gets an answer within its deadline and the sidecar stays healthy.
 * (The public API's fuzz test is src/server/fuzz.test.ts.)
 */
import https from 'node:https';
import { join } from 'node:path';
import { startApp, startSidecar, stopAll, tempDir, type Sidecar, type TestApp } from '@minidapr/testkit';
import { initMtlsHome, workloadCert } from '../../support/mtls';

jest.setTimeout(60000);

const PIECES = ['neworder', 'v1.0', 'invoke', 'method', '..', '.', '', '%2F', '%23', '%3F', '%25', '%00', '%0D%0A', 'a b', '~', 'é', '%zz', 'x'.repeat(300)];
const VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND'];
const CALLEES = ['orders', 'ORDERS', '', 'other', 'orders\t', 'a'.repeat(200)];
const BODIES = ['', '{}', '[', '\u0000', 'x'.repeat(70 * 1024)];

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const home = tempDir('minidapr-home-');
let app: TestApp;
let orders: Sidecar;

beforeAll(async () => {
  const config = await initMtlsHome(home.path);
  app = await startApp((r) => ({ status: r.url.includes('fail') ? 500 : 200, body: 'ok' }));
  orders = await startSidecar({ appId: 'orders', appPort: app.port, home: home.path, args: ['--config', config, '--log-level', 'fatal'] });
});

afterAll(async () => {
  await orders?.stop();
  await app?.close();
  await stopAll();
  home.remove();
});

it('answers every fuzzed request from a certified peer, never hangs, never crashes', async () => {
  const cert = await workloadCert(join(home.path, 'certs'), 'fuzzer');
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4, key: cert.keyPem, cert: cert.certChainPem, ca: cert.trustAnchors, rejectUnauthorized: true, checkServerIdentity: () => undefined });
  const next = rng(7);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)] as T;
  const outcomes = new Map<string, number>();
  try {
    for (let i = 0; i < 400; i++) {
      const path = '/' + Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(PIECES)).join('/') + (next() < 0.3 ? '?q=' + pick(PIECES) : '');
      const method = pick(VERBS);
      const headers: Record<string, string> = { 'dapr-callee-app-id': next() < 0.7 ? 'orders' : pick(CALLEES) };
      if (next() < 0.5) headers['dapr-caller-app-id'] = pick(CALLEES);
      if (next() < 0.2) headers['dapr-api-token'] = 'nope';
      const body = method !== 'GET' && method !== 'HEAD' && next() < 0.5 ? pick(BODIES) : undefined;
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const outcome = await new Promise<string>((resolve) => {
        const req = https.request({ host: '127.0.0.1', port: orders.internalPort, method, path: encodeURI(path).replace(/%25/g, '%'), headers, agent, timeout: 10000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
          res.on('error', () => resolve('reset'));
        });
        req.on('timeout', () => req.destroy(new Error('hung')));
        req.on('error', (e) => resolve(e.message === 'hung' ? 'hung' : 'reset'));
        req.end(body);
      });
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  } finally {
    agent.destroy();
  }
  expect(outcomes.get('hung') ?? 0).toBe(0);
  for (const o of outcomes.keys()) expect(['200', '400', '404', '413', '500', 'reset']).toContain(o);
  expect(outcomes.get('200') ?? 0).toBeGreaterThan(0); // the app was reached
  expect(orders.process.child.exitCode).toBeNull();
  expect((await fetch(`${orders.url}/v1.0/healthz`)).status).toBe(204);
});
