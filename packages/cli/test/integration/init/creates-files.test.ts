import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, minidaprDone, scenario } from '../helpers';

jest.setTimeout(30000);
const s = scenario();
afterAll(() => cleanup(s));

it('init creates MINIDAPR_HOME with config.yaml and the default components, and is idempotent', async () => {
  const first = await minidaprDone(s, ['init', '--slim']);
  expect(first.code).toBe(0);
  const config = join(s.home.path, 'config.yaml');
  const state = join(s.home.path, 'components', 'statestore.yaml');
  const pubsub = join(s.home.path, 'components', 'pubsub.yaml');
  for (const f of [config, state, pubsub]) expect(first.stdout).toContain(`Created ${f}`);
  expect(readFileSync(state, 'utf8')).toContain('type: state.sqlite');
  expect(readFileSync(state, 'utf8')).toContain(`value: ${JSON.stringify(join(s.home.path, 'state.db'))}`);
  expect(readFileSync(pubsub, 'utf8')).toContain('type: pubsub.sqlite');
  expect(readFileSync(config, 'utf8')).toContain('name: daprConfig');

  writeFileSync(pubsub, readFileSync(pubsub, 'utf8') + '# mine\n');
  const second = await minidaprDone(s, ['init']);
  expect(second.code).toBe(0);
  expect(second.stdout).not.toContain('Created');
  expect(second.stdout).toContain(`Up to date ${state}`);
  expect(second.stdout).toContain(`Kept ${pubsub}`);
  expect(readFileSync(pubsub, 'utf8')).toContain('# mine');

  const un = await minidaprDone(s, ['uninstall']);
  expect(un.code).toBe(0);
  expect(un.stdout).toContain(`Removed ${state}`);
  expect(existsSync(state)).toBe(false);
  expect(existsSync(pubsub)).toBe(true); // edited: kept
});
