import { parse } from 'yaml';
import type { RunningApp } from '../../lib/instances';
import { formatList, toRow, truncate } from './format';

const started = new Date(2026, 0, 2, 3, 4, 5);
const now = new Date(started.getTime() + 125_000);

const app = (over: Partial<RunningApp> = {}): RunningApp => ({
  appId: 'nodeapp',
  daprdPid: 100,
  cliPid: 99,
  appPid: 101,
  httpPort: 3500,
  grpcPort: 50001,
  internalPort: 50002,
  metricsPort: 9090,
  appPort: 3000,
  command: 'node app.js',
  startedAt: started,
  ...over,
});

it('maps an instance to dapr/cli json keys', () => {
  expect(toRow(app({ runTemplatePath: '/x/dapr.yaml', runTemplateName: 'dapr.yaml' }), now)).toEqual({
    appId: 'nodeapp',
    httpPort: 3500,
    grpcPort: 50001,
    appPort: 3000,
    metricsEnabled: true,
    command: 'node app.js',
    age: '2m',
    created: '2026-01-02 03:04.05',
    daprdPid: 100,
    cliPid: 99,
    appPid: 101,
    runTemplatePath: '/x/dapr.yaml',
    appLogPath: '',
    daprdLogPath: '',
    runTemplateName: 'dapr.yaml',
  });
});

it('uses 0 for what is not there (no app port, no app, no CLI)', () => {
  const r = toRow(app({ appPort: undefined, appPid: undefined, cliPid: undefined, command: '' }), now);
  expect([r.appPort, r.appPid, r.cliPid, r.command]).toEqual([0, 0, 0, '']);
});

it('prints a table with Dapr column names and the command cut to 20 characters', () => {
  const table = formatList([toRow(app({ command: 'npm run start:order-processor' }), now)], 'table');
  const [header, row] = table.split('\n');
  expect(header).toBe(
    'APP ID   HTTP PORT  GRPC PORT  APP PORT  COMMAND               AGE  CREATED              DAPRD PID  CLI PID  APP PID  RUN_TEMPLATE_PATH',
  );
  expect(row).toContain('npm run start:ord...');
  expect(row?.split(/\s{2,}/)).toEqual(['nodeapp', '3500', '50001', '3000', 'npm run start:ord...', '2m', '2026-01-02 03:04.05', '100', '99', '101']);
});

it('shows "none" in the GRPC PORT column for a sidecar that registered no gRPC port, 0 in json', () => {
  const row = toRow(app({ grpcPort: 0 }), now);
  expect(row.grpcPort).toBe(0);
  expect(formatList([row], 'table').split('\n')[1]?.split(/\s{2,}/).slice(0, 4)).toEqual(['nodeapp', '3500', 'none', '3000']);
});

it('says so when nothing runs', () => {
  expect(formatList([], 'table')).toBe('No Dapr instances found.');
  expect(formatList([], 'json')).toBe('[]');
  expect(formatList([], 'yaml')).toBe('[]');
});

it('prints json and yaml with camelCase keys', () => {
  const rows = [toRow(app(), now)];
  expect(JSON.parse(formatList(rows, 'json'))).toEqual(rows);
  expect(parse(formatList(rows, 'yaml'))).toEqual(rows);
});

it('truncate keeps short text and marks cut text', () => {
  expect(truncate('node app.js')).toBe('node app.js');
  expect(truncate('x'.repeat(21))).toBe(`${'x'.repeat(17)}...`);
  expect(truncate('x'.repeat(20))).toBe('x'.repeat(20));
});
