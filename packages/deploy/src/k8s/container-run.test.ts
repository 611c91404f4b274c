import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import { containerEnv, containerRun, expandK8sVars, mapMountPath, materialiseMounts, type FullContainer, type PodIdentity } from './container-run';
import type { K8sObject } from './kustomize';
import { repoRoot } from '../repo';

const pod: PodIdentity = { namespace: 'shop', name: 'cart-0', ip: '10.1.2.3', labels: { app: 'cart' } };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const objects: K8sObject[] = [
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'redis', namespace: 'shop' }, data: { 'redis-password': b64('s3cret') } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'other-ns', namespace: 'elsewhere' }, stringData: { k: 'v' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { LOG: 'debug', 'a.yaml': 'a: 1\n' } },
];

describe('expandK8sVars', () => {
  it('replaces defined $(VAR), keeps undefined ones and turns $$ into $', () => {
    expect(expandK8sVars('p=$(PW) q=$(NOPE) r=$$(PW) $HOME', { PW: 'x' })).toBe('p=x q=$(NOPE) r=$(PW) $HOME');
  });
});

describe('containerEnv', () => {
  it('builds envFrom, then env in order with secretKeyRef, configMapKeyRef, fieldRef and earlier $(VAR)s', () => {
    const c: FullContainer = {
      name: 'daprd',
      envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
      env: [
        { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'redis', key: 'redis-password' } } },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LOG' } } },
        { name: 'URL', value: 'redis://:$(PW)@redis:6379/$(LATER)' },
        { name: 'LATER', value: '0' },
        { name: 'MAYBE', valueFrom: { secretKeyRef: { name: 'absent', key: 'k', optional: true } } },
      ],
    };
    expect(containerEnv(objects, pod, c)).toEqual({
      CFG_LOG: 'debug',
      'CFG_a.yaml': 'a: 1\n',
      NAMESPACE: 'shop',
      POD_IP: '10.1.2.3',
      APP: 'cart',
      PW: 's3cret',
      LEVEL: 'debug',
      URL: 'redis://:s3cret@redis:6379/$(LATER)',
      LATER: '0',
    });
  });

  it('names the variable and the object when a reference cannot be resolved', () => {
    const missingKey: FullContainer = { name: 'daprd', env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'redis', key: 'nope' } } }] };
    expect(() => containerEnv(objects, pod, missingKey)).toThrow('container daprd of pod shop/cart-0: env PW: Secret "redis" has no key "nope" in the manifests');
    const otherNs: FullContainer = { name: 'daprd', envFrom: [{ secretRef: { name: 'other-ns' } }] };
    expect(() => containerEnv(objects, pod, otherNs)).toThrow('envFrom Secret "other-ns" is not in the manifests');
    const field: FullContainer = { name: 'daprd', env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } }] };
    expect(() => containerEnv(objects, pod, field)).toThrow('fieldRef status.phase is not supported here');
  });
});

describe('materialiseMounts and mapMountPath', () => {
  it('writes ConfigMap, Secret (items) and emptyDir volumes and maps container paths onto them', () => {
    const dir = tempDir('minidapr-mounts-');
    try {
      const c: FullContainer = {
        name: 'daprd',
        volumeMounts: [
          { name: 'components', mountPath: '/components' },
          { name: 'creds', mountPath: '/etc/creds/' },
          { name: 'scratch', mountPath: '/scratch' },
        ],
      };
      const volumes = [
        { name: 'components', configMap: { name: 'settings' } },
        { name: 'creds', secret: { secretName: 'redis', items: [{ key: 'redis-password', path: 'nested/pw' }] } },
        { name: 'scratch', emptyDir: {} },
        { name: 'unused', configMap: { name: 'absent' } },
      ];
      const mounts = materialiseMounts(objects, pod, volumes, c, dir.path);
      expect(mounts.map((m) => m.mountPath)).toEqual(['/components', '/etc/creds', '/scratch']);
      const [components, creds] = mounts;
      expect(readFileSync(join(components?.local as string, 'a.yaml'), 'utf8')).toBe('a: 1\n');
      expect(readFileSync(join(creds?.local as string, 'nested', 'pw'), 'utf8')).toBe('s3cret');
      expect(existsSync(mounts[2]?.local as string)).toBe(true);

      expect(mapMountPath('/components', mounts)).toBe(components?.local);
      expect(mapMountPath('/etc/creds/nested/pw', mounts)).toBe(join(creds?.local as string, 'nested', 'pw'));
      expect(mapMountPath('--config=/components/a.yaml', mounts)).toBe(`--config=${join(components?.local as string, 'a.yaml')}`);
      expect(mapMountPath('/componentsx', mounts)).toBe('/componentsx');
      expect(mapMountPath('relative/path', mounts)).toBe('relative/path');

      expect(() => materialiseMounts(objects, pod, [{ name: 'components', configMap: { name: 'absent' } }], c, dir.path)).toThrow(
        'volume components: ConfigMap "absent" is not in the manifests',
      );
    } finally {
      dir.remove();
    }
  });
});

describe('containerRun', () => {
  it("runs the minidaprd image's ENTRYPOINT from the repository with the container's args, env and mounts", () => {
    const dir = tempDir('minidapr-run-');
    try {
      const deployment: K8sObject = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'cart', namespace: 'shop' },
        spec: { template: { spec: { volumes: [{ name: 'components', configMap: { name: 'settings' } }] } } },
      };
      const c: FullContainer = {
        name: 'daprd',
        image: 'ghcr.io/minidapr/minidaprd:0.1.0',
        args: ['--app-id', 'cart', '--resources-path', '/components', '--log-level', '$(LEVEL)'],
        env: [{ name: 'LEVEL', value: 'debug' }],
        volumeMounts: [{ name: 'components', mountPath: '/components' }],
      };
      const run = containerRun(objects, deployment, c, pod, dir.path, repoRoot());
      expect(run.argv[0]).toBe(process.execPath);
      expect(run.argv.slice(1)).toEqual(['--max-semi-space-size=2', 'bin/minidaprd.js', '--app-id', 'cart', '--resources-path', run.mounts[0]?.local, '--log-level', 'debug']);
      expect(run.cwd).toBe(join(repoRoot(), 'packages', 'runtime'));
      expect(run.env).toMatchObject({ NODE_ENV: 'production', LEVEL: 'debug' });
      expect(() => containerRun(objects, deployment, { ...c, image: 'nginx:1.27' }, pod, dir.path, repoRoot())).toThrow('image nginx:1.27 is not built from this repository');
    } finally {
      dir.remove();
    }
  });
});
