import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors';
import { planFromFlags, type RunFlags } from './flags';

let root: string;
let home: string;
let cwd: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'flags-'));
  home = join(root, 'home');
  cwd = join(root, 'my-app');
  mkdirSync(cwd);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function issues(f: RunFlags): string[] {
  try {
    planFromFlags(f, cwd, home);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.helpCommand).toBe('run');
    return err.issues;
  }
}

it('defaults: app id from the folder, no resources or config without MINIDAPR_HOME files, no ports chosen', () => {
  const p = planFromFlags({ command: ['node', 'app.js'] }, cwd, home);
  expect(p).toMatchObject({ appId: 'my-app', command: ['node', 'app.js'], ports: {}, resourcesPaths: [], appProtocol: 'http', appChannelAddress: '127.0.0.1' });
  expect(p.configPath).toBeUndefined();
  expect(p.homeMissing).toEqual([join(home, 'components'), join(home, 'config.yaml')]); // for the "run minidapr init" warning
});

it('uses MINIDAPR_HOME/components and config.yaml when they exist', () => {
  mkdirSync(join(home, 'components'), { recursive: true });
  writeFileSync(join(home, 'config.yaml'), 'kind: Configuration\n');
  const p = planFromFlags({}, cwd, home);
  expect(p.resourcesPaths).toEqual([join(home, 'components')]);
  expect(p.configPath).toBe(join(home, 'config.yaml'));
  expect(p.homeMissing).toEqual([]);
});

it('resolves --resources-path (repeatable, comma lists, --components-path alias) and --config from the cwd', () => {
  mkdirSync(join(cwd, 'a'));
  mkdirSync(join(cwd, 'b'));
  mkdirSync(join(cwd, 'c'));
  writeFileSync(join(cwd, 'cfg.yaml'), '');
  mkdirSync(join(home, 'components'), { recursive: true });
  const p = planFromFlags({ resourcesPath: ['./a', 'b'], componentsPath: ['c'], config: 'cfg.yaml' }, cwd, home);
  expect(p.resourcesPaths).toEqual([join(cwd, 'a'), join(cwd, 'b'), join(cwd, 'c')]);
  expect(p.configPath).toBe(join(cwd, 'cfg.yaml'));
  expect(p.homeMissing).toEqual([]); // MINIDAPR_HOME is not used, so nothing is missing
});

it('keeps the chosen ports and labels them with their flags', () => {
  const p = planFromFlags({ appPort: 3000, daprHttpPort: 3500, daprGrpcPort: 50001, daprInternalGrpcPort: 50002, metricsPort: 9090 }, cwd, home);
  expect(p.appPort).toBe(3000);
  expect(p.ports).toEqual({ http: 3500, grpc: 50001, internal: 50002, metrics: 9090 });
  expect(p.portLabels).toMatchObject({ http: '--dapr-http-port', internal: '--dapr-internal-grpc-port', app: '--app-port' });
});

it('--app-port 0 means no app port', () => {
  expect(planFromFlags({ appPort: 0 }, cwd, home).appPort).toBeUndefined();
});

it('passes runtime flags through', () => {
  const p = planFromFlags(
    { logLevel: 'DEBUG', enableApiLogging: true, maxBodySize: '8Mi', readBufferSize: '16Ki', appMaxConcurrency: -1, enableAppHealthCheck: true, appHealthProbeInterval: 3 },
    cwd,
    home,
  );
  expect(p).toMatchObject({ logLevel: 'debug', enableApiLogging: true, maxBodySize: '8Mi', readBufferSize: '16Ki', appMaxConcurrency: -1 });
  expect(p.extraDaprdArgs).toEqual(['--enable-app-health-check', '--app-health-probe-interval', '3']);
});

it('reports every bad flag at once, naming each flag', () => {
  expect(
    issues({
      appId: 'my.app',
      appPort: 3500,
      daprHttpPort: 3500,
      metricsPort: 70000,
      resourcesPath: ['./nope'],
      config: 'missing.yaml',
      appProtocol: 'h2c',
      logLevel: 'loud',
      maxBodySize: 'huge',
    }),
  ).toEqual([
    '--app-id: must not contain "." (got "my.app")',
    '--metrics-port: must be a port number from 1 to 65535, got 70000',
    '--dapr-http-port: port 3500 is already used by --app-port',
    '--resources-path: ./nope does not exist',
    '--config: missing.yaml does not exist',
    '--app-protocol: h2c apps are not supported by minidaprd yet; use http or https or grpc or grpcs',
    '--log-level: must be one of debug, info, warn, error, fatal, got "loud"',
    '--max-body-size: must be a size like 4Mi, 512Ki or 4096, got "huge"',
  ]);
});

it('makes a valid app id from an awkward folder name', () => {
  const odd = join(root, 'My App.v2');
  mkdirSync(odd);
  expect(planFromFlags({}, odd, home).appId).toBe('My-App-v2');
});
