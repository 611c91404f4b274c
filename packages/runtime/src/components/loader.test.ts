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

  it('accepts dapr.io/v2alpha1 for Subscriptions only; another apiVersion skips the document with a warning', () => {
    write('sub.yaml', 'apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata: {name: s}\nspec: {topic: orders, pubsubname: p, routes: {default: /orders}}\n');
    expect(loadResources([dir], { appId: 'a' }).others.map((o) => o.kind)).toEqual(['Subscription']);
    write('comp.yaml', 'apiVersion: dapr.io/v2alpha1\nkind: Component\nmetadata: {name: c}\nspec: {type: state.in-memory}\n');
    write('k8s.yaml', 'apiVersion: v1\nkind: Component\nmetadata: {name: x}\nspec: {type: state.in-memory}\n');
    const r = loadResources([dir], { appId: 'a' });
    expect(r.components).toEqual([]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/comp\.yaml: a Component needs "apiVersion: dapr\.io\/v1alpha1", got "dapr\.io\/v2alpha1"; skipped/),
      expect.stringMatching(/k8s\.yaml: a Component needs "apiVersion: dapr\.io\/v1alpha1", got "v1"; skipped/),
    ]);
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

  it('reports missing names, duplicate names and YAML syntax errors together', () => {
    write('b.yaml', 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {}\n');
    write('c.yaml', 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: d}\nspec: {type: state.in-memory}\n---\napiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: d}\nspec: {type: state.in-memory}\n');
    write('d.yaml', 'apiVersion: [unclosed\n');
    let message = '';
    try {
      loadResources([dir], { appId: 'a' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/b\.yaml: field "metadata\.name" is required/);
    expect(message).toMatch(/c\.yaml \(document 2\): duplicate Component name "d"/);
    expect(message).toMatch(/d\.yaml: invalid YAML/);
  });

  it('names a missing resources path', () => {
    expect(() => loadResources([join(dir, 'nope')], { appId: 'a' })).toThrow(/resources path .*nope does not exist/);
  });
});

describe('loadResources warnings (never fatal)', () => {
  let dir: string;
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  const load = () => loadResources([dir], { appId: 'a' });
  const component = (name: string, type: string, metadata: Record<string, string> = {}) =>
    [
      'apiVersion: dapr.io/v1alpha1',
      'kind: Component',
      `metadata: {name: ${name}}`,
      'spec:',
      `  type: ${type}`,
      '  version: v1',
      '  metadata:',
      ...Object.entries(metadata).map(([k, v]) => `  - {name: ${k}, value: "${v}"}`),
    ].join('\n');
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minidapr-res-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('skips a document without a kind, naming the file (the hello-kubernetes resiliency.yaml)', () => {
    write('resiliency.yaml', 'spec:\n  policies:\n    retries:\n      retryForever: {policy: constant}\n');
    write('statestore.yaml', component('statestore', 'state.in-memory'));
    const r = load();
    expect(r.components.map((c) => c.name)).toEqual(['statestore']);
    expect(r.warnings).toEqual([expect.stringMatching(/resiliency\.yaml: there is no "kind" \(Dapr resources have one of: Component, Subscription, .*\); skipped/)]);
  });

  it('suggests the closest kind for a misspelt one', () => {
    write('typo.yaml', 'apiVersion: dapr.io/v1alpha1\nkind: Componet\nmetadata: {name: s}\nspec: {type: state.in-memory}\n');
    write('lower.yaml', 'apiVersion: dapr.io/v1alpha1\nkind: subscription\nmetadata: {name: s}\nspec: {}\n');
    const r = load();
    expect(r.components).toEqual([]);
    expect(r.warnings).toEqual([
      expect.stringMatching(/lower\.yaml: kind "subscription" is not a Dapr resource kind \(did you mean Subscription\?\); skipped/),
      expect.stringMatching(/typo\.yaml: kind "Componet" is not a Dapr resource kind \(did you mean Component\?\); skipped/),
    ]);
  });

  it('skips other YAML (Kubernetes objects, lists, compose files) with a warning', () => {
    write('deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n');
    write('list.yaml', '- a\n- b\n');
    write('compose.yaml', 'services:\n  redis: {image: redis}\n');
    const r = load();
    expect(r.warnings).toEqual([
      expect.stringMatching(/compose\.yaml: there is no "kind"/),
      expect.stringMatching(/deploy\.yaml: kind "Deployment" is not a Dapr resource kind \(known: Component, Subscription, Configuration, Resiliency, HTTPEndpoint, .*\); skipped/),
      expect.stringMatching(/list\.yaml: the document is not a YAML mapping; skipped/),
    ]);
  });

  it('warns that known kinds minidapr does not implement are ignored', () => {
    const doc = (kind: string, name: string) => `apiVersion: dapr.io/v1alpha1\nkind: ${kind}\nmetadata: {name: ${name}}\nspec: {}\n`;
    write('a.yaml', [doc('Resiliency', 'myresiliency'), doc('HTTPEndpoint', 'backend'), doc('Configuration', 'cfg')].join('---\n'));
    write('b.yaml', 'apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata: {name: other}\nspec: {}\nscopes: [someone-else]\n');
    const r = load();
    expect(r.warnings).toEqual([
      expect.stringMatching(/a\.yaml \(document 2\): minidapr ignores HTTPEndpoint resources; HTTPEndpoint "backend" has no effect/),
      expect.stringMatching(/a\.yaml \(document 3\): minidapr ignores Configuration resources \(a Configuration is read from --config/),
    ]); // Resiliency is supported; b.yaml is scoped to another app: nothing to say
    expect(r.others.map((o) => o.kind)).toEqual(['Resiliency', 'HTTPEndpoint', 'Configuration']);
    expect(r.skipped).toEqual([expect.objectContaining({ name: 'other', why: expect.stringMatching(/scopes someone-else exclude/) })]);
  });

  it('names the file, the component and the closest field for an unknown metadata field', () => {
    write('state.yaml', component('statestore', 'state.sqlite', { connectionString: 'x.db', tablName: 'orders' }));
    write('mem.yaml', component('mem', 'state.in-memory', { size: '10' }));
    write('env.yaml', component('env', 'secretstores.local.env', { zzzzzz: '1' }));
    const r = load();
    expect(r.components).toHaveLength(3);
    expect(r.warnings).toEqual([
      expect.stringMatching(/env\.yaml: component "env" \(secretstores\.local\.env\): unknown metadata field "zzzzzz" is ignored; its fields: prefix/),
      expect.stringMatching(/mem\.yaml: component "mem" \(state\.in-memory\): unknown metadata field "size" is ignored; state\.in-memory takes no metadata/),
      expect.stringMatching(/state\.yaml: component "statestore" \(state\.sqlite\): unknown metadata field "tablName" is ignored; did you mean "tableName"\?/),
    ]);
  });

  it('does not warn about the metadata daprd reads on every component, nor about case', () => {
    write('state.yaml', component('statestore', 'state.sqlite', { ConnectionString: 'x.db', TABLENAME: 't', keyPrefix: 'name', actorStateStore: 'true', outboxPublishPubsub: 'p', outboxPublishTopic: 't' }));
    write('pubsub.yaml', component('pubsub', 'pubsub.in-memory', { consumerID: 'c', publishingScopes: 'a=t', subscriptionScopes: 'a=t', allowedTopics: 't', protectedTopics: 't' }));
    write('cron.yaml', component('cron', 'bindings.cron', { schedule: '@every 1s', direction: 'input', route: '/tick' }));
    write('custom.yaml', component('custom', 'state.unknown-type', { anything: 'x' }));
    const r = load();
    expect(r.components).toHaveLength(4);
    expect(r.warnings).toEqual([]);
  });
});
