import { componentYaml } from '@minidapr/testkit';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { STATESTORE, world } from './helpers';

jest.setTimeout(30000);
const w = world();
afterAll(() => w.close());

interface Resource {
  kind: string;
  name: string;
  type?: string;
  file: string;
  yaml: string;
  scopes?: string[];
  loadedBy: string[];
}

it('lists each component and configuration with its YAML and the apps that loaded it', async () => {
  const config = join(w.home, 'tracing.yaml');
  writeFileSync(config, 'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: tracing\nspec:\n  tracing:\n    samplingRate: "1"\n');
  const both = `${STATESTORE}---\n${componentYaml('private', 'state.in-memory', {}, 'scopes:\n  - billing\n')}`;
  const { sidecar } = await w.addApp('orders', { 'all.yaml': both }, ['--config', config]);
  await w.addApp('billing', { 'statestore.yaml': STATESTORE });
  await w.startDashboard();

  const components = (await w.get<Resource[]>('/api/components')).body;
  const ordersStore = components.find((c) => c.name === 'statestore' && c.file === join(sidecar.resourcesDir, 'all.yaml'));
  expect(ordersStore).toMatchObject({ kind: 'Component', type: 'state.in-memory', loadedBy: ['orders'] });
  expect(ordersStore?.yaml).toContain('name: statestore');
  expect(ordersStore?.yaml).not.toContain('name: private');
  const scoped = components.find((c) => c.name === 'private');
  expect(scoped).toMatchObject({ scopes: ['billing'], loadedBy: [] }); // scoped to an app that does not read that folder
  expect(components.filter((c) => c.name === 'statestore').flatMap((c) => c.loadedBy).sort()).toEqual(['billing', 'orders']);

  const configs = (await w.get<Resource[]>('/api/configurations')).body;
  expect(configs).toEqual([expect.objectContaining({ kind: 'Configuration', name: 'tracing', file: config, loadedBy: ['orders'] })]);
});
