import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNameResolver } from '.';
import { listInstances, writeInstance, type InstanceInfo } from './instances';
import { fillTemplate } from './dns-template';

const info = (over: Partial<InstanceInfo>): InstanceInfo => ({
  appId: 'a', pid: process.pid, host: '127.0.0.1', httpPort: 1, internalPort: 2, grpcPort: 3, appProtocol: 'http',
  startedAt: new Date().toISOString(), runtimeVersion: '0', cwd: '.', resourcesPaths: [], configPaths: [], extended: {}, ...over,
});

describe('name resolution', () => {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'minidapr-nr-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('resolves live instances from the registry and cleans stale ones', async () => {
    writeInstance(home, info({ appId: 'orders', internalPort: 4242 }));
    mkdirSync(join(home, 'instances'), { recursive: true });
    writeFileSync(join(home, 'instances', '999999999.json'), JSON.stringify(info({ appId: 'orders', pid: 999999999, internalPort: 1 })));
    const r = createNameResolver(undefined, home);
    expect(await r.resolve('orders')).toEqual({ host: '127.0.0.1', port: 4242 });
    expect(await r.resolve('nobody')).toBeUndefined();
    expect(readdirSync(join(home, 'instances'))).toEqual([`${process.pid}.json`]);
    expect(listInstances(home).map((i) => i.appId)).toEqual(['orders']);
  });

  it('fills DNS templates for compose and Kubernetes', async () => {
    const compose = createNameResolver({ component: 'dns', configuration: { template: '{appId}-dapr:{port}' } }, home);
    expect(await compose.resolve('checkout')).toEqual({ host: 'checkout-dapr', port: 50002 });
    const k8s = createNameResolver({ component: 'kubernetes' }, home);
    expect(await k8s.resolve('checkout', 'shop')).toEqual({ host: 'checkout-dapr.shop.svc.cluster.local', port: 50002 });
    expect(fillTemplate({ template: '{appId}.internal', port: 7, defaultNamespace: 'default' }, 'x')).toEqual({ host: 'x.internal', port: 7 });
  });

  it('rejects unknown resolvers and templates without {appId}', () => {
    expect(() => createNameResolver({ component: 'consul' }, home)).toThrow(/known resolvers/);
    expect(() => createNameResolver({ component: 'dns', configuration: { template: 'fixed:1' } }, home)).toThrow(/must contain \{appId\}/);
  });
});
