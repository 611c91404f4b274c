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

  it('reads spec.accessControl and reports unknown fields with the file name', () => {
    const file = join(dir, 'acl.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: dapr.io/v1alpha1',
        'kind: Configuration',
        'metadata: {name: acl}',
        'spec:',
        '  tracing: {samplingRate: "1"}',
        '  accessControl:',
        '    defaultAction: deny',
        '    policies:',
        '    - {appId: checkout, namespace: default, trustDomain: public, operations: [{name: /orders, httpVerb: [GET], action: allow}]}',
        '  accesControl: {defaultAction: allow}',
      ].join('\n'),
    );
    const cfg = loadConfiguration([file], {});
    expect(cfg.accessControl?.defaultAction).toBe('deny');
    expect(cfg.accessControl?.policies?.[0]?.operations).toEqual([{ name: '/orders', httpVerb: ['GET'], action: 'allow' }]);
    expect(cfg.warnings).toEqual([`${file}: unknown Configuration field "spec.accesControl" is ignored; did you mean "spec.accessControl"?`]);
    writeFileSync(file, 'kind: Configuration\nspec:\n  accessControl:\n    policies: [{appId: a}]\n');
    expect(() => loadConfiguration([file], {})).toThrow(/acl\.yaml: field "spec\.accessControl\.policies\[0\]\.namespace" is required/);
  });

  it('reads spec.secrets.scopes, and a bad one stops start-up', () => {
    const file = join(dir, 'config.yaml');
    const head = 'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec:\n  secrets:\n    scopes:\n';
    writeFileSync(file, `${head}      - {storeName: local, defaultAccess: deny, allowedSecrets: [a]}\n`);
    const cfg = loadConfiguration([file], {});
    expect(cfg.secretScopes?.get('local')).toEqual({ storeName: 'local', defaultAccess: 'deny', allowedSecrets: ['a'], deniedSecrets: [] });
    writeFileSync(file, `${head}      - {storeName: local, defaultAccess: nope}\n`);
    expect(() => loadConfiguration([file], {})).toThrow(/config\.yaml: field "spec\.secrets\.scopes\[0\]\.defaultAccess"/);
    writeFileSync(file, 'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec: {}\n');
    expect(loadConfiguration([file], {}).secretScopes).toBeUndefined();
  });

  it('expands $VAR and ${VAR}', () => {
    expect(expandEnv('a $X ${Y} $MISSING.', { X: '1', Y: '2' })).toBe('a 1 2 .');
  });
});
