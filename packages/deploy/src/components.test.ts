import { componentYaml, tempDir, type TempDir } from '@minidapr/testkit';
import { checkComponents } from './components';

const REDIS_WITH_SECRET = (store: string): string => `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: statestore
spec:
  type: state.redis
  version: v1
  metadata:
    - name: redisHost
      value: redis:6379
    - name: redisPassword
      secretKeyRef:
        name: REDIS_PASSWORD
        key: REDIS_PASSWORD
${store ? `auth:\n  secretStore: ${store}\n` : ''}`;

describe('checkComponents', () => {
  let dir: TempDir;
  beforeEach(() => (dir = tempDir('minidapr-components-')));
  afterEach(() => dir.remove());

  it('loads components and checks secretKeyRef against an env secret store and the sidecar env', () => {
    dir.write({ 'envstore.yaml': componentYaml('envstore', 'secretstores.local.env'), 'statestore.yaml': REDIS_WITH_SECRET('envstore') });
    const ok = checkComponents([dir.path], { appId: 'a', envNames: ['REDIS_PASSWORD'] });
    expect(ok.problems).toEqual([]);
    expect(ok.components.map((c) => c.name).sort()).toEqual(['envstore', 'statestore']);
    const noEnv = checkComponents([dir.path], { appId: 'a', envNames: [] });
    expect(noEnv.problems).toEqual([expect.stringContaining(`metadata "redisPassword" reads secret REDIS_PASSWORD from the sidecar's environment, which does not set it`)]);
  });

  it('reports a secretKeyRef without a secret store, or with one that is missing', () => {
    dir.write({ 'statestore.yaml': REDIS_WITH_SECRET('') });
    expect(checkComponents([dir.path], { appId: 'a' }).problems).toEqual([expect.stringContaining('uses secretKeyRef but the component has no auth.secretStore')]);
    dir.write({ 'statestore.yaml': REDIS_WITH_SECRET('vault') });
    expect(checkComponents([dir.path], { appId: 'a' }).problems).toEqual([expect.stringContaining('auth.secretStore "vault" is not a secret store component')]);
  });

  it('reports unregistered types and loader errors', () => {
    dir.write({ 'x.yaml': componentYaml('x', 'state.nosuch') });
    expect(checkComponents([dir.path], { appId: 'a' }).problems).toEqual([expect.stringContaining('type state.nosuch/v1 is not registered in minidaprd')]);
    dir.write({ 'y.yaml': 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: y\nspec: {}\n' });
    expect(checkComponents([dir.path], { appId: 'a' }).problems).toEqual([expect.stringContaining('component "y": field "spec.type"')]);
  });
});
