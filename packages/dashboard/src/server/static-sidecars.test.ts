import { parseSidecarList, parseSidecarSpec, SidecarSpecError, staticInstance } from './static-sidecars';
import { registeredApps, toApp } from './apps';
import { containerLogsAnswer } from './logs';
import { metadataComponents } from './resources';
import { targetUrl } from './sidecar-client';
import { tempDir } from '@minidapr/testkit';

describe('parseSidecarSpec', () => {
  it('reads app id, host and the optional ports (defaults 3500 and 9090)', () => {
    expect(parseSidecarSpec('orders=orders-dapr', '--sidecar')).toEqual({ appId: 'orders', host: 'orders-dapr', httpPort: 3500, metricsPort: 9090 });
    expect(parseSidecarSpec(' b=10.0.0.7:3600 ', '--sidecar')).toEqual({ appId: 'b', host: '10.0.0.7', httpPort: 3600, metricsPort: 9090 });
    expect(parseSidecarSpec('c=c.ns.svc.cluster.local:3501:9091', '--sidecar')).toEqual({ appId: 'c', host: 'c.ns.svc.cluster.local', httpPort: 3501, metricsPort: 9091 });
  });

  it.each([
    ['orders', 'missing the app id'],
    ['=host', 'missing the app id'],
    ['or ders=h', 'is not a valid app id'],
    ['a=', 'missing the host'],
    ['a=h_x', 'is not a host name'],
    ['a=h:0', 'the HTTP port must be a port from 1 to 65535 (got "0")'],
    ['a=h:3500:x', 'the metrics port must be a port'],
    ['a=h:1:2:3', 'too many ":" parts'],
  ])('rejects %s naming the flag and the value', (spec, why) => {
    expect(() => parseSidecarSpec(spec, '--sidecar')).toThrow(SidecarSpecError);
    expect(() => parseSidecarSpec(spec, '--sidecar')).toThrow(`--sidecar "${spec}": `);
    expect(() => parseSidecarSpec(spec, '--sidecar')).toThrow(why);
  });
});

describe('parseSidecarList', () => {
  it('splits comma-separated values, skips empty parts and rejects a repeated app id', () => {
    expect(parseSidecarList(['a=h1,b=h2:1', '', 'c=h3'], 'X').map((s) => s.appId)).toEqual(['a', 'b', 'c']);
    expect(() => parseSidecarList(['a=h1', 'a=h2'], 'MINIDAPR_DASHBOARD_SIDECARS')).toThrow('MINIDAPR_DASHBOARD_SIDECARS "a=h2": app id a is given twice');
  });
});

describe('static sidecars as apps', () => {
  it('appear after the registry with null pid and ports they do not name', () => {
    const home = tempDir('minidapr-static-');
    try {
      const since = new Date(Date.now() - 5000);
      const apps = registeredApps({ home: home.path, sidecars: [parseSidecarSpec('a=h:3600:9100', 'X')], since });
      expect(apps).toHaveLength(1);
      expect(apps[0]?.target).toEqual({ host: 'h', httpPort: 3600, apiToken: undefined, byAddress: true });
      const app = toApp(apps[0]!, 'unknown');
      expect(app).toMatchObject({ appId: 'a', pid: null, grpcPort: null, internalPort: null, httpPort: 3600, metricsPort: 9100, source: 'static', host: 'h', resourcesPaths: [] });
      expect(app.ageSeconds).toBeGreaterThanOrEqual(5);
      expect(app).not.toHaveProperty('appPort');
    } finally {
      home.remove();
    }
  });

  it('keep the registry-shaped views consistent', () => {
    const { instance, running } = staticInstance({ appId: 'a', host: 'h', httpPort: 1, metricsPort: 2 }, new Date(0));
    expect(instance).toMatchObject({ appId: 'a', host: 'h', httpPort: 1, metricsPort: 2, resourcesPaths: [] });
    expect(running).toMatchObject({ appId: 'a', httpPort: 1, metricsPort: 2, daprdPid: 0 });
  });

  it('answer logs with where container logs are', () => {
    expect(containerLogsAnswer('a', 'a-dapr')).toEqual({ sources: [], lines: [], note: expect.stringContaining('watched at a-dapr') });
    expect(containerLogsAnswer('a', 'a-dapr').note).toContain('`docker compose logs`');
    expect(containerLogsAnswer('a', 'a-dapr').note).toContain('`kubectl logs deploy/a --all-containers`');
  });

  it('list components from metadata without files', () => {
    const docs = metadataComponents({ components: [{ name: 'statestore', type: 'state.redis', version: 'v1' }, { type: 'no-name' }] });
    expect(docs).toEqual([{ kind: 'Component', name: 'statestore', type: 'state.redis', version: 'v1', file: '', yaml: expect.stringContaining('type: state.redis') }]);
  });
});

describe('targetUrl', () => {
  it('connects by address for static sidecars, so the Host header is an IP literal the sidecar accepts', async () => {
    expect(await targetUrl({ host: 'localhost', httpPort: 3500, byAddress: true }, '/v1.0/healthz')).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):3500\/v1\.0\/healthz$/);
    expect(await targetUrl({ host: 'localhost', httpPort: 3500 }, '/x', 9090)).toBe('http://localhost:9090/x');
    expect(await targetUrl({ host: '::1', httpPort: 1, byAddress: true }, '/m')).toBe('http://[::1]:1/m');
    await expect(targetUrl({ host: 'no-such-host.invalid', httpPort: 1, byAddress: true }, '/')).rejects.toThrow();
  });
});
