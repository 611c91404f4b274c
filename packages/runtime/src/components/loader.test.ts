import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadResources } from './loader';

describe('loadResources', () => {
  let dir: string;
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minidapr-res-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads multi-document files, yaml and yml, and keeps other kinds', () => {
    write(
      'all.yaml',
      [
        'apiVersion: dapr.io/v1alpha1',
        'kind: Component',
        'metadata: {name: statestore}',
        'spec:',
        '  type: state.in-memory',
        '  version: v1',
        '  metadata:',
        '  - {name: ttl, value: 60}',
        '  - {name: flag, value: true}',
        '  - {name: fromEnv, envRef: MY_VAR}',
        '---',
        'apiVersion: dapr.io/v1alpha1',
        'kind: Subscription',
        'metadata: {name: sub}',
        'spec: {topic: orders}',
      ].join('\n'),
    );
    write('b.yml', 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: pubsub}\nspec: {type: pubsub.in-memory, version: v1}\n');
    write('ignored.txt', 'not yaml');
    const r = loadResources([dir], { appId: 'a' });
    expect(r.components.map((c) => [c.name, c.type, c.category])).toEqual([
      ['statestore', 'state.in-memory', 'state'],
      ['pubsub', 'pubsub.in-memory', 'pubsub'],
    ]);
    expect(r.components[0]?.metadata).toEqual([
      { name: 'ttl', value: '60' },
      { name: 'flag', value: 'true' },
      { name: 'fromEnv', envRef: 'MY_VAR' },
    ]);
    expect(r.others.map((o) => o.kind)).toEqual(['Subscription']);
  });

  it('accepts dapr.io/v2alpha1 for Subscriptions only', () => {
    write('sub.yaml', 'apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata: {name: s}\nspec: {topic: orders, pubsubname: p, routes: {default: /orders}}\n');
    expect(loadResources([dir], { appId: 'a' }).others.map((o) => o.kind)).toEqual(['Subscription']);
    write('comp.yaml', 'apiVersion: dapr.io/v2alpha1\nkind: Component\nmetadata: {name: c}\nspec: {type: state.in-memory}\n');
    expect(() => loadResources([dir], { appId: 'a' })).toThrow(/comp\.yaml: field "apiVersion" must be dapr\.io\/v1alpha1, got "dapr\.io\/v2alpha1"/);
  });

  it('honours top-level scopes and NAMESPACE', () => {
    write('s.yaml', 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s, namespace: other}\nspec: {type: state.in-memory}\nscopes: [checkout]\n');
    expect(loadResources([dir], { appId: 'orders' }).components).toEqual([]);
    expect(loadResources([dir], { appId: 'checkout' }).components).toHaveLength(1);
    expect(loadResources([dir], { appId: 'checkout', namespace: 'default' }).components).toEqual([]);
  });

  it('names the file, the component and the field for invalid manifests', () => {
    write('bad.yaml', 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: broken}\nspec:\n  type: statestore\n');
    expect(() => loadResources([dir], { appId: 'a' })).toThrow(/bad\.yaml: component "broken": field "spec\.type" must look like <category>\.<name>/);
  });

  it('reports wrong apiVersion, missing names, duplicate names and YAML syntax errors together', () => {
    write('a.yaml', 'apiVersion: v1\nkind: Component\nmetadata: {name: x}\nspec: {type: state.in-memory}\n');
    write('b.yaml', 'kind: Component\nmetadata: {}\n');
    write('c.yaml', 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: d}\nspec: {type: state.in-memory}\n---\napiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: d}\nspec: {type: state.in-memory}\n');
    write('d.yaml', 'apiVersion: [unclosed\n');
    let message = '';
    try {
      loadResources([dir], { appId: 'a' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/a\.yaml: field "apiVersion" must be dapr\.io\/v1alpha1/);
    expect(message).toMatch(/b\.yaml: field "metadata\.name" is required/);
    expect(message).toMatch(/c\.yaml \(document 2\): duplicate Component name "d"/);
    expect(message).toMatch(/d\.yaml: invalid YAML/);
  });

  it('names a missing resources path', () => {
    expect(() => loadResources([join(dir, 'nope')], { appId: 'a' })).toThrow(/resources path .*nope does not exist/);
  });
});
