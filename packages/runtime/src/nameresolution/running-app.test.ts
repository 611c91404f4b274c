import type { InstanceInfo } from './instances';
import { toRunningApp } from './running-app';

const info: InstanceInfo = {
  appId: 'orders', pid: 10, host: '127.0.0.1', httpPort: 3500, internalPort: 3501, grpcPort: 0, metricsPort: 9090, appPort: 0,
  appProtocol: 'http', startedAt: '2026-01-01T00:00:00.000Z', runtimeVersion: '0.1.0', cwd: '/x', resourcesPaths: [], configPaths: [], extended: {},
};

it('maps the CLI extended metadata and drops empty values', () => {
  const app = toRunningApp({ ...info, extended: { appPID: '42', cliPID: 'x', appCommand: 'node app.js', appLogPath: '/l/a.log', daprdLogPath: '' } });
  expect(app).toMatchObject({ appId: 'orders', daprdPid: 10, appPid: 42, command: 'node app.js', appLogPath: '/l/a.log', metricsPort: 9090 });
  expect(app.cliPid).toBeUndefined();
  expect(app.appPort).toBeUndefined();
  expect(app.daprdLogPath).toBeUndefined();
  expect(app.startedAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
});
