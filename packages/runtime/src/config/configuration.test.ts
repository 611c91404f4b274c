import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandEnv, loadConfiguration } from './configuration';

describe('loadConfiguration', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minidapr-cfg-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads name resolution, API logging and features with env expansion', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: dapr.io/v1alpha1',
        'kind: Configuration',
        'metadata: {name: daprConfig}',
        'spec:',
        '  nameResolution:',
        '    component: dns',
        '    configuration: {template: "${SUFFIXLESS}{appId}-dapr:{port}"}',
        '  logging: {apiLogging: {enabled: true}}',
        '  features: [{name: HotReload, enabled: true}, {name: Off, enabled: false}]',
      ].join('\n'),
    );
    const cfg = loadConfiguration([file], {});
    expect(cfg.nameResolution).toEqual({ component: 'dns', version: undefined, configuration: { template: '{appId}-dapr:{port}' } });
    expect(cfg.apiLogging).toBe(true);
    expect(cfg.features).toEqual(['HotReload']);
  });

  it('names the missing file and a wrong kind', () => {
    expect(() => loadConfiguration([join(dir, 'nope.yaml')], {})).toThrow(/nope\.yaml does not exist/);
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: x}\n');
    expect(() => loadConfiguration([file], {})).toThrow(/field "kind" must be Configuration/);
  });

  it('expands $VAR and ${VAR}', () => {
    expect(expandEnv('a $X ${Y} $MISSING.', { X: '1', Y: '2' })).toBe('a 1 2 .');
  });
});
