import { validateObjects } from './schema';

const deployment = (port: unknown): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'a' },
  spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: port }] }] } } },
});

describe('validateObjects', () => {
  it('accepts valid built-in objects and Dapr resources', () => {
    const component = { apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name: 's' }, spec: { type: 'state.redis', version: 'v1', metadata: [{ name: 'redisHost', value: 'redis:6379' }] } };
    expect(validateObjects([deployment(3000), component], 'k8s/x')).toEqual([]);
  });

  it('reports schema violations, unknown kinds and Dapr resources that break their CRD', () => {
    const problems = validateObjects(
      [
        deployment('3000'),
        { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
        { apiVersion: 'dapr.io/v1alpha1', kind: 'Component', metadata: { name: 's' }, spec: { type: 'state.redis', metadata: [] } },
      ],
      'k8s/x',
    );
    expect(problems).toEqual([
      "k8s/x: Component/s: /spec must have required property 'version'",
      expect.stringMatching(/^k8s\/x: Deployment\/a: .*containerPort must be integer/),
      'k8s/x: Widget/w: unknown kind example.com/v1 Widget',
    ]);
  });
});
