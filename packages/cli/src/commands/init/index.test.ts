import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { captureOutput } from '../../lib/output';
import { init } from './index';
import { defaultComponents, initFiles } from './files';

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
