/**
 * Scenario: with mTLS on, the sidecar-to-sidecar port lets in only clients holding a certificate
 * from the trust root. A raw HTTP client, a TLS client without a certificate and one with a
 * certificate from another CA never reach the app; a client with a valid workload certificate does,
 * and is identified by that certificate, never by its dapr-caller-app-id header.
 */
import { join } from 'node:path';
import { startApp, startSidecar, stopAll, tempDir, type Sidecar, type TestApp } from '@minidapr/testkit';
import { ensureTrustRoot } from '../../../src/security/trust-root';
import { initMtlsHome, rawHttps, workloadCert } from '../../support/mtls';

jest.setTimeout(30000);

const home = tempDir('minidapr-home-');
const other = tempDir('minidapr-other-ca-');
let app: TestApp;
let orders: Sidecar;

beforeAll(async () => {
  const config = await initMtlsHome(home.path);
  await ensureTrustRoot(other.path, 'public');
  app = await startApp((r) => ({ status: 200, body: `hello ${r.headers['dapr-caller-app-id']}` }));
  orders = await startSidecar({ appId: 'orders', appPort: app.port, home: home.path, args: ['--config', config] });
});

afterAll(async () => {
  await orders?.stop();
  await app?.close();
  await stopAll();
  home.remove();
  other.remove();
});

const calleeHeaders = { 'dapr-callee-app-id': 'orders', 'dapr-caller-app-id': 'checkout' };

it('refuses a TLS client without a certificate', async () => {
  const r = await rawHttps(orders.internalPort, { headers: calleeHeaders });
  expect(r.status).toBeUndefined();
  expect(r.error).toBeDefined();
});

it('refuses a client whose certificate comes from another CA, even with the right SPIFFE ID', async () => {
  const cert = await workloadCert(other.path, 'checkout');
  const r = await rawHttps(orders.internalPort, { headers: calleeHeaders, key: cert.keyPem, cert: cert.certChainPem });
  expect(r.status).toBeUndefined();
  expect(r.error).toBeDefined();
});

it('refuses a plain HTTP client', async () => {
  const r = await fetch(`http://127.0.0.1:${orders.internalPort}/hello`, { method: 'POST', headers: calleeHeaders }).then(
    (res) => `status ${res.status}`,
    () => 'refused',
  );
  expect(r).toBe('refused');
});

it('never lets a refused client reach the app', () => {
  expect(app.received.filter((q) => q.url === '/hello')).toHaveLength(0);
});

it('admits a workload certificate from the trust root and names the caller from it', async () => {
  const cert = await workloadCert(join(home.path, 'certs'), 'intruder');
  const r = await rawHttps(orders.internalPort, { headers: calleeHeaders, key: cert.keyPem, cert: cert.certChainPem, ca: cert.trustAnchors });
  expect(r.status).toBe(200);
  // The header claimed "checkout"; the certificate says "intruder".
  expect(r.body).toBe('hello intruder');
});
