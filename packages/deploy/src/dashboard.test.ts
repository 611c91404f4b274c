import { tempDir } from '@minidapr/testkit';
import { join } from 'node:path';
import { checkDashboardArgs, checkZipkinEndpoint, cliArgsOf, isDashboardImage, tracingOf } from './dashboard';

describe('isDashboardImage and cliArgsOf', () => {
  it('recognises the dashboard image and the CLI arguments of an entrypoint', () => {
    expect(isDashboardImage('ghcr.io/minidapr/dashboard:0.1.0')).toBe(true);
    expect(isDashboardImage('ghcr.io/minidapr/minidaprd:0.1.0')).toBe(false);
    expect(isDashboardImage(undefined)).toBe(false);
    expect(cliArgsOf(['node', 'bin/minidapr.js', 'dashboard', '-a', '0.0.0.0'])).toEqual(['dashboard', '-a', '0.0.0.0']);
    expect(cliArgsOf(['node', 'app.js'])).toBeUndefined();
  });
});

describe('checkDashboardArgs', () => {
  it('parses with the CLI and reads the static sidecars with their defaults', () => {
    const r = checkDashboardArgs(['dashboard', '-a', '0.0.0.0', '--sidecar', 'a=a:3500:9090', '--sidecar', 'b=b'], 'x');
    expect(r.problems).toEqual([]);
    expect(r.options).toEqual({
      port: 8080,
      address: '0.0.0.0',
      zipkinPort: 9411,
      otlpPort: 4318,
      collector: true,
      sidecars: [
        { appId: 'a', host: 'a', httpPort: 3500, metricsPort: 9090 },
        { appId: 'b', host: 'b', httpPort: 3500, metricsPort: 9090 },
      ],
    });
  });

  it('reports unknown flags, bad ports, bad --sidecar values and other commands', () => {
    expect(checkDashboardArgs(['dashboard', '--colector'], 'svc').problems).toEqual([expect.stringMatching(/^svc: .*unknown option '--colector'/)]);
    expect(checkDashboardArgs(['dashboard', '-p', 'x'], 'svc').problems).toEqual([expect.stringMatching(/^svc: .*-p, --port/)]);
    expect(checkDashboardArgs(['dashboard', '--sidecar', 'a'], 'svc').problems).toEqual(['svc: --sidecar "a": missing the app id before "="; expected <appId>=<host>[:<httpPort>[:<metricsPort>]]']);
    expect(checkDashboardArgs(['list'], 'svc').problems).toEqual(['svc: runs `minidapr list`, not `minidapr dashboard`']);
  });

  it('reads MINIDAPR_DASHBOARD_SIDECARS from the given environment', () => {
    expect(checkDashboardArgs(['dashboard'], 'x', { MINIDAPR_DASHBOARD_SIDECARS: 'a=h' }).options?.sidecars).toEqual([{ appId: 'a', host: 'h', httpPort: 3500, metricsPort: 9090 }]);
  });
});

describe('tracingOf and checkZipkinEndpoint', () => {
  it('reads spec.tracing and checks where spans go', () => {
    const dir = tempDir('minidapr-tracing-');
    try {
      dir.write({ 'c.yaml': 'kind: Configuration\nspec:\n  tracing:\n    samplingRate: "1"\n    zipkin:\n      endpointAddress: http://dashboard:9411/api/v2/spans\n', 'none.yaml': 'kind: Configuration\nspec: {}\n' });
      const t = tracingOf(join(dir.path, 'c.yaml'));
      expect(t).toEqual({ samplingRate: '1', zipkinEndpoint: 'http://dashboard:9411/api/v2/spans' });
      expect(tracingOf(join(dir.path, 'none.yaml'))).toEqual({});
      expect(checkZipkinEndpoint(t.zipkinEndpoint, ['dashboard'], 9411, 'w')).toEqual([]);
      expect(checkZipkinEndpoint('http://zipkin:9412/spans', ['dashboard'], 9411, 'w')).toEqual([
        'w: spans go to host zipkin, the dashboard is dashboard',
        "w: spans go to port 9412, the dashboard's collector listens on 9411",
        'w: spans go to /spans, the collector takes them on /api/v2/spans',
      ]);
      expect(checkZipkinEndpoint(undefined, ['dashboard'], 9411, 'w')).toEqual(['w: no spec.tracing.zipkin.endpointAddress']);
    } finally {
      dir.remove();
    }
  });
});
