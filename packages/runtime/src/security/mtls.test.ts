import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tempDir, type TempDir } from '@minidapr/testkit';
import { ConfigError } from '../errors/startup';
import { certificateIdentity } from './cert-identity';
import { startMtls, type Mtls } from './mtls';
import { CA_CERT_FILE, ensureTrustRoot, issuerFilesIn, ISSUER_KEY_FILE, loadIssuer } from './trust-root';
import { localIssuerSource, renewDelayMs } from './workload-cert';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let dir: TempDir;
const started: Mtls[] = [];
const servers: https.Server[] = [];

beforeAll(() => {
  dir = tempDir('minidapr-mtls-');
});
afterAll(async () => {
  for (const m of started) m.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  dir.remove();
});

async function root(name: string) {
  const d = `${dir.path}/${name}`;
  await ensureTrustRoot(d, 'public');
  return loadIssuer({ trustAnchorsFile: `${d}/${CA_CERT_FILE}`, ...issuerFilesIn(d) });
}

async function workload(name: string, appId: string, ttlMs = 24 * 3600e3) {
  const m = await startMtls({
    identity: { trustDomain: 'public', namespace: 'default', appId },
    workloadCertTtlMs: ttlMs,
    allowedClockSkewMs: 15 * 60e3,
    source: localIssuerSource(await root(name)),
    logger: quiet,
  });
  started.push(m);
  return m;
}

/** A TLS server with the workload's server options that answers with the caller's verified identity. */
async function serve(m: Mtls): Promise<number> {
  const srv = https.createServer(m.serverOptions(), (req, res) => res.end(JSON.stringify(certificateIdentity(req) ?? null)));
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as AddressInfo).port;
}

function call(port: number, o: https.RequestOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/', ...o }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

it('init-style trust root: issuer key 0600, kept on a second run, chains to ca.crt', async () => {
  expect(await ensureTrustRoot(`${dir.path}/a`, 'public')).toBe('created');
  const key = `${dir.path}/a/${ISSUER_KEY_FILE}`;
  expect(statSync(key).mode & 0o777).toBe(0o600);
  const before = readFileSync(key, 'utf8');
  expect(await ensureTrustRoot(`${dir.path}/a`, 'public')).toBe('kept');
  expect(readFileSync(key, 'utf8')).toBe(before);
  expect(loadIssuer({ trustAnchorsFile: `${dir.path}/a/${CA_CERT_FILE}`, ...issuerFilesIn(`${dir.path}/a`) }).issuerNotAfter.getTime()).toBeGreaterThan(Date.now() + 360 * 24 * 3600e3);
});

it('refuses an issuer that the trust anchors did not sign, naming the files', async () => {
  await root('x');
  await root('y');
  expect(() => loadIssuer({ trustAnchorsFile: `${dir.path}/x/${CA_CERT_FILE}`, ...issuerFilesIn(`${dir.path}/y`) })).toThrow(/was not signed by a certificate in .*x\/ca\.crt/);
  expect(() => loadIssuer({ trustAnchorsFile: `${dir.path}/none/${CA_CERT_FILE}`, ...issuerFilesIn(`${dir.path}/y`) })).toThrow(ConfigError);
  writeFileSync(`${dir.path}/bad-key`, '-----BEGIN EC PRIVATE KEY-----\nnope\n-----END EC PRIVATE KEY-----\n');
  expect(() => loadIssuer({ trustAnchorsFile: `${dir.path}/y/${CA_CERT_FILE}`, issuerCertFile: `${dir.path}/y/issuer.crt`, issuerKeyFile: `${dir.path}/bad-key` })).toThrow(/is not the key of/);
});

it('workload certificate: SPIFFE URI SAN, backdated by the clock skew, TTL as configured', async () => {
  const m = await workload('w', 'order-processor', 3600e3);
  const c = m.current();
  const leaf = new X509Certificate(c.certChainPem);
  expect(leaf.subjectAltName).toBe('URI:spiffe://public/ns/default/order-processor');
  expect(c.notAfter.getTime() - c.notBefore.getTime()).toBe(3600e3 + 15 * 60e3);
  expect(new Date(leaf.validFrom).getTime()).toBeLessThanOrEqual(Date.now() - 14 * 60e3);
  // renewal at 70% of the lifetime from issue
  expect(renewDelayMs(c, new Date(c.notBefore.getTime() + 15 * 60e3), new Date(c.notBefore.getTime() + 15 * 60e3))).toBe(0.7 * 3600e3);
});

it('the server reads the caller from its certificate; the caller checks the callee identity', async () => {
  const callee = await workload('pair', 'callee');
  const caller = await workload('pair', 'caller');
  const port = await serve(callee);
  const ok = caller.peer('callee', 'default');
  const body = await call(port, { agent: ok.agent, rejectUnauthorized: true, checkServerIdentity: ok.checkServerIdentity });
  expect(JSON.parse(body)).toEqual({ appId: 'caller', namespace: 'default', trustDomain: 'public', verified: true });
  // the same trust root, but not the app the caller meant: refused by the caller
  const wrong = caller.peer('someone-else', 'default');
  await expect(call(port, { agent: wrong.agent, rejectUnauthorized: true, checkServerIdentity: wrong.checkServerIdentity })).rejects.toMatchObject({ code: 'ERR_MTLS_PEER_IDENTITY' });
});

it('the server refuses clients without a certificate and clients of another CA', async () => {
  const callee = await workload('srv', 'callee');
  const port = await serve(callee);
  await expect(call(port, { rejectUnauthorized: false, agent: false })).rejects.toThrow();
  const stranger = await workload('other-ca', 'caller');
  const p = stranger.peer('callee', 'default');
  await expect(call(port, { agent: p.agent, rejectUnauthorized: false })).rejects.toThrow();
});

it('renews the certificate before it expires and hands the new one to tracked servers', async () => {
  const issuer = await root('renew');
  const m = await startMtls({ identity: { trustDomain: 'public', namespace: 'default', appId: 'short' }, workloadCertTtlMs: 2000, allowedClockSkewMs: 0, source: localIssuerSource(issuer), logger: quiet });
  started.push(m);
  const first = m.current();
  const srv = https.createServer(m.serverOptions(), (req, res) => res.end(JSON.stringify(certificateIdentity(req) ?? null)));
  servers.push(srv);
  m.track([srv]);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const deadline = Date.now() + 10000;
  while (m.current() === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(m.current()).not.toBe(first);
  expect(m.current().notAfter.getTime()).toBeGreaterThan(first.notAfter.getTime());
  // after the first certificate has expired, a peer still completes the handshake (the server was given the new one)
  while (Date.now() < first.notAfter.getTime() + 100) await new Promise((r) => setTimeout(r, 50));
  const caller = await startMtls({ identity: { trustDomain: 'public', namespace: 'default', appId: 'caller' }, workloadCertTtlMs: 60e3, allowedClockSkewMs: 0, source: localIssuerSource(issuer), logger: quiet });
  started.push(caller);
  const p = caller.peer('short', 'default');
  expect(JSON.parse(await call(port, { agent: p.agent, rejectUnauthorized: true, checkServerIdentity: p.checkServerIdentity }))).toMatchObject({ appId: 'caller' });
});
