import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { captureOutput } from '../../lib/output';
import { init } from './index';
import { CONFIG_YAML, defaultComponents, initFiles, PREVIOUS_CONFIG_YAMLS } from './files';

let home: string;
const env = (): NodeJS.ProcessEnv => ({ MINIDAPR_HOME: home });

beforeEach(() => {
  home = join(mkdtempSync(join(tmpdir(), 'init-')), 'home');
});
afterEach(() => rmSync(join(home, '..'), { recursive: true, force: true }));

it('creates config.yaml and the default components, and says so', async () => {
  const out = captureOutput();
  const r = await init({ env: env(), output: out });
  expect(r.files.map((f) => f.status)).toEqual(['created', 'created', 'created']);
  const config = parse(readFileSync(join(home, 'config.yaml'), 'utf8'));
  expect(config).toMatchObject({ apiVersion: 'dapr.io/v1alpha1', kind: 'Configuration', metadata: { name: 'daprConfig' } });
  // dapr init's tracing defaults: everything sampled, exported to Zipkin on localhost:9411.
  expect(config.spec.tracing).toEqual({ samplingRate: '1', zipkin: { endpointAddress: 'http://localhost:9411/api/v2/spans' } });
  const state = parse(readFileSync(join(home, 'components', 'statestore.yaml'), 'utf8'));
  expect(state).toEqual({
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'statestore' },
    spec: { type: 'state.sqlite', version: 'v1', metadata: [{ name: 'connectionString', value: join(home, 'state.db') }] },
  });
  const pubsub = parse(readFileSync(join(home, 'components', 'pubsub.yaml'), 'utf8'));
  expect(pubsub.metadata.name).toBe('pubsub');
  expect(pubsub.spec.type).toBe('pubsub.sqlite');
  expect(out.stdout()).toContain(`Created ${join(home, 'components', 'statestore.yaml')} (statestore: state.sqlite)`);
  expect(out.stdout()).toContain('Success!');
});

it('is idempotent', async () => {
  await init({ env: env(), output: captureOutput() });
  const out = captureOutput();
  const r = await init({ env: env(), output: out });
  expect(r.files.map((f) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  expect(out.stdout()).toContain(`Up to date ${join(home, 'config.yaml')}`);
});

it('never overwrites a file the user edited, and reports it as kept', async () => {
  await init({ env: env(), output: captureOutput() });
  const file = join(home, 'components', 'statestore.yaml');
  const edited = readFileSync(file, 'utf8').replace('state.sqlite', 'state.redis');
  writeFileSync(file, edited);
  const out = captureOutput();
  const r = await init({ env: env(), output: out });
  expect(r.files.find((f) => f.path === file)?.status).toBe('kept');
  expect(readFileSync(file, 'utf8')).toBe(edited);
  expect(out.stdout()).toContain(`Kept ${file} (you changed it; init never overwrites your edits)`);
});

it('--slim writes the same files (no containers either way)', async () => {
  const out = captureOutput();
  const r = await init({ slim: true, env: env(), output: out });
  expect(r.files).toHaveLength(initFiles(home).length);
  expect(out.stdout()).toContain('--slim');
});

it('declares the default components in one place', () => {
  expect(defaultComponents(home).map((c) => `${c.name}=${c.type}`)).toEqual(['statestore=state.sqlite', 'pubsub=pubsub.sqlite']);
});

it('turns mTLS on in config.yaml and creates the trust root: issuer key 0600, issuer signed by ca.crt', async () => {
  const out = captureOutput();
  const r = await init({ env: env(), output: out });
  const config = parse(readFileSync(join(home, 'config.yaml'), 'utf8'));
  expect(config.spec.mtls).toEqual({ enabled: true, workloadCertTTL: '24h', allowedClockSkew: '15m' });
  expect(r.trustRoot).toEqual({ path: join(home, 'certs', 'ca.crt'), status: 'created' });
  expect(statSync(join(home, 'certs', 'issuer.key')).mode & 0o777).toBe(0o600);
  const ca = new X509Certificate(readFileSync(join(home, 'certs', 'ca.crt')));
  const issuer = new X509Certificate(readFileSync(join(home, 'certs', 'issuer.crt')));
  expect(issuer.verify(ca.publicKey)).toBe(true);
  expect(issuer.ca).toBe(true);
  expect(out.stdout()).toContain(`Created the mTLS trust root in ${join(home, 'certs')}`);
});

it('keeps an existing trust root when run again', async () => {
  await init({ env: env(), output: captureOutput() });
  const before = readFileSync(join(home, 'certs', 'issuer.key'), 'utf8');
  const out = captureOutput();
  const r = await init({ env: env(), output: out });
  expect(r.trustRoot?.status).toBe('kept');
  expect(readFileSync(join(home, 'certs', 'issuer.key'), 'utf8')).toBe(before);
  expect(out.stdout()).toContain('Kept the mTLS trust root');
});

it('refuses a partial trust root instead of replacing it, naming the folder', async () => {
  mkdirSync(join(home, 'certs'), { recursive: true });
  writeFileSync(join(home, 'certs', 'ca.crt'), 'x');
  await expect(init({ env: env(), output: captureOutput() })).rejects.toThrow(`${join(home, 'certs')}: incomplete trust root (found ca.crt)`);
});

it.each(PREVIOUS_CONFIG_YAMLS.map((c, i) => [i, c]))('updates a config.yaml an earlier init wrote (unedited, version %i) to the current default', async (_, previous) => {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'config.yaml'), previous);
  const r = await init({ env: env(), output: captureOutput() });
  expect(r.files[0]?.status).toBe('updated');
  expect(readFileSync(join(home, 'config.yaml'), 'utf8')).toBe(CONFIG_YAML);
});
