import type { RawResource } from '../components/loader';
import { ConfigError } from '../errors/startup';
import { parseDeclarative } from './declarative';

function res(doc: Record<string, unknown>, name = 'sub', kind = 'Subscription'): RawResource {
  return { kind, name, file: 'sub.yaml', doc: { kind, metadata: { name }, ...doc } };
}

describe('parseDeclarative', () => {
  it('reads v1alpha1 (spec.route)', () => {
    const subs = parseDeclarative([res({ apiVersion: 'dapr.io/v1alpha1', spec: { pubsubname: 'ps', topic: 'orders', route: '/orders', deadLetterTopic: 'poison', metadata: { rawPayload: 'false' } } })]);
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ pubsubname: 'ps', topic: 'orders', deadLetterTopic: 'poison', metadata: { rawPayload: 'false' }, type: 'DECLARATIVE' });
    expect(subs[0]?.rules.map((r) => r.path)).toEqual(['/orders']);
  });

  it('reads v2alpha1 (spec.routes)', () => {
    const subs = parseDeclarative([
      res({
        apiVersion: 'dapr.io/v2alpha1',
        spec: { pubsubname: 'ps', topic: 'orders', routes: { rules: [{ match: 'event.type == "order"', path: '/special' }], default: '/orders' }, bulkSubscribe: { enabled: false } },
      }),
    ]);
    expect(subs[0]?.rules.map((r) => [r.match, r.path])).toEqual([
      ['event.type == "order"', '/special'],
      ['', '/orders'],
    ]);
  });

  it('reads spec field names case-insensitively, as daprd (YAML → JSON → Go struct)', () => {
    const subs = parseDeclarative([
      res({ apiVersion: 'dapr.io/v2alpha1', spec: { PubsubName: 'ps', TOPIC: 'orders', Routes: { Default: '/orders' }, deadlettertopic: 'poison' } }),
    ]);
    expect(subs[0]).toMatchObject({ pubsubname: 'ps', topic: 'orders', deadLetterTopic: 'poison' });
    expect(subs[0]?.rules.map((r) => r.path)).toEqual(['/orders']);
  });

  it('ignores other kinds', () => {
    expect(parseDeclarative([res({ apiVersion: 'dapr.io/v1alpha1', spec: {} }, 'r', 'Resiliency')])).toEqual([]);
  });

  it.each([
    [{ apiVersion: 'dapr.io/v3', spec: { pubsubname: 'ps', topic: 't', route: '/x' } }, 'apiVersion'],
    [{ apiVersion: 'dapr.io/v1alpha1' }, 'spec'],
    [{ apiVersion: 'dapr.io/v1alpha1', spec: { topic: 't', route: '/x' } }, 'spec.pubsubname'],
    [{ apiVersion: 'dapr.io/v1alpha1', spec: { pubsubname: 'ps', route: '/x' } }, 'spec.topic'],
    [{ apiVersion: 'dapr.io/v1alpha1', spec: { pubsubname: 'ps', topic: 't' } }, 'spec.route'],
    [{ apiVersion: 'dapr.io/v1alpha1', spec: { pubsubname: 'ps', topic: 't', routes: { default: '/x' } } }, 'spec.routes'],
    [{ apiVersion: 'dapr.io/v2alpha1', spec: { pubsubname: 'ps', topic: 't', routes: { rules: [{ match: 'event.x ==', path: '/a' }] } } }, 'spec.routes.rules[0].match'],
    [{ apiVersion: 'dapr.io/v2alpha1', spec: { pubsubname: 'ps', topic: 't', routes: { rules: [{ match: 'event.x == 1' }] } } }, 'spec.routes.rules[0].path'],
  ])('fails start-up naming the file and the field (%#)', (doc, field) => {
    let caught: unknown;
    try {
      parseDeclarative([res(doc)]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).issues[0]).toContain('sub.yaml: subscription "sub"');
    expect((caught as ConfigError).issues[0]).toContain(`field "${field}"`);
  });

  it('names the subscription and the expression for an unsupported match', () => {
    expect(() =>
      parseDeclarative([res({ apiVersion: 'dapr.io/v2alpha1', spec: { pubsubname: 'ps', topic: 't', routes: { rules: [{ match: 'size(event.data) > 2', path: '/a' }] } } }, 'big-sub')]),
    ).toThrow(/subscription "big-sub".*size\(event.data\) > 2/);
  });
});
