import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type TempDir } from '../tmp';
import { copyQuickstart, selectReadmes, UPSTREAM_READMES } from './quickstarts';
import { RECIPES_DIR } from './recipe';

let dir: TempDir;
beforeEach(() => (dir = tempDir('upstream-list-')));
afterEach(() => dir.remove());

describe('UPSTREAM_READMES', () => {
  it('lists the JS http and sdk quickstarts of each building block and hello-world, copying the whole building block', () => {
    expect(UPSTREAM_READMES.map((r) => r.id)).toEqual([
      'service_invocation/javascript/http',
      'pub_sub/javascript/http',
      'pub_sub/javascript/sdk',
      'state_management/javascript/http',
      'state_management/javascript/sdk',
      'bindings/javascript/http',
      'bindings/javascript/sdk',
      'secrets_management/javascript/http',
      'secrets_management/javascript/sdk',
      'tutorials/hello-world',
      'resiliency/service-to-service/javascript',
      'resiliency/service-to-component/javascript',
    ]);
    expect(UPSTREAM_READMES.find((r) => r.id === 'bindings/javascript/sdk')).toEqual({
      id: 'bindings/javascript/sdk',
      readme: 'bindings/javascript/sdk/README.md',
      copyRoot: 'bindings',
    });
  });
});

describe('the resiliency entries', () => {
  it('copies service_invocation too and runs through a recipe that exists', () => {
    const entry = UPSTREAM_READMES.find((r) => r.id === 'resiliency/service-to-service/javascript');
    expect(entry).toMatchObject({ readme: 'resiliency/service-to-service-resiliency.md', copyRoot: 'resiliency', alsoCopy: ['service_invocation'] });
    expect(existsSync(join(RECIPES_DIR, entry?.recipe ?? 'none'))).toBe(true);
  });

  it('service-to-component copies state_management, has a recipe and its own dapr_redis for the state store', () => {
    const entry = UPSTREAM_READMES.find((r) => r.id === 'resiliency/service-to-component/javascript');
    expect(entry).toMatchObject({
      readme: 'resiliency/service-to-component-resiliency.md',
      copyRoot: 'resiliency',
      alsoCopy: ['state_management'],
      privateRedis: { container: 'dapr_redis', components: ['state_management/resources/statestore.yaml'] },
    });
    expect(existsSync(join(RECIPES_DIR, entry?.recipe ?? 'none'))).toBe(true);
  });
});

describe('selectReadmes', () => {
  it('by exact id or by prefix, in list order', () => {
    expect(selectReadmes(['tutorials/hello-world', 'pub_sub']).map((r) => r.id)).toEqual(['pub_sub/javascript/http', 'pub_sub/javascript/sdk', 'tutorials/hello-world']);
    expect(selectReadmes([])).toHaveLength(UPSTREAM_READMES.length);
  });

  it('an unknown name is an error listing the known ids', () => {
    expect(() => selectReadmes(['pubsub'])).toThrow(/--only pubsub: no such README; known: service_invocation\/javascript\/http, /);
  });
});

describe('copyQuickstart', () => {
  it('copies the building block with its sibling folders, without node_modules or .dapr', () => {
    dir.write({
      'checkout/bindings/db/orders.sql': 'sql',
      'checkout/bindings/components/binding-cron.yaml': 'cron',
      'checkout/bindings/javascript/http/README.md': 'readme',
      'checkout/bindings/javascript/http/batch/index.js': 'app',
      'checkout/bindings/javascript/http/batch/node_modules/x/index.js': 'dep',
      'checkout/bindings/javascript/http/.dapr/logs/app.log': 'log',
      'checkout/pub_sub/README.md': 'other block',
    });
    const entry = selectReadmes(['bindings/javascript/http'])[0];
    if (!entry) throw new Error('no entry');
    copyQuickstart(join(dir.path, 'checkout'), entry, join(dir.path, 'copy'));
    const copied = (rel: string): boolean => existsSync(join(dir.path, 'copy', rel));
    expect(readFileSync(join(dir.path, 'copy', 'bindings/db/orders.sql'), 'utf8')).toBe('sql');
    expect(copied('bindings/components/binding-cron.yaml')).toBe(true);
    expect(copied('bindings/javascript/http/batch/index.js')).toBe(true);
    expect(copied('bindings/javascript/http/batch/node_modules')).toBe(false);
    expect(copied('bindings/javascript/http/.dapr')).toBe(false);
    expect(copied('pub_sub')).toBe(false);
  });

  it('copies the folders of alsoCopy as well', () => {
    dir.write({
      'checkout/resiliency/service-to-service-resiliency.md': 'tutorial',
      'checkout/service_invocation/resources/resiliency.yaml': 'policy',
      'checkout/service_invocation/javascript/http/checkout/node_modules/x/index.js': 'dep',
      'checkout/state_management/README.md': 'other block',
    });
    const entry = selectReadmes(['resiliency/service-to-service/javascript'])[0];
    if (!entry) throw new Error('no entry');
    copyQuickstart(join(dir.path, 'checkout'), entry, join(dir.path, 'copy'));
    const copied = (rel: string): boolean => existsSync(join(dir.path, 'copy', rel));
    expect(copied('resiliency/service-to-service-resiliency.md')).toBe(true);
    expect(copied('service_invocation/resources/resiliency.yaml')).toBe(true);
    expect(copied('service_invocation/javascript/http/checkout/node_modules')).toBe(false);
    expect(copied('state_management')).toBe(false);
  });
});
