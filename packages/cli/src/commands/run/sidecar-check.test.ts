import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '@minidapr/runtime';
import { stringify } from 'yaml';
import { ConfigError } from '../../errors';
import { planFromFlags, type RunFlags } from './flags';
import { buildDaprdArgs } from './plan';
import { parseRunFile } from './run-file';
import { checkSidecar } from './sidecar-check';

let root: string;
let cwd: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sidecar-check-'));
  cwd = join(root, 'app');
  mkdirSync(cwd);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function issuesOf(run: () => unknown): string[] {
  try {
    run();
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues;
  }
}

/** minidaprd's own message for `--flag value` (an app id is added when the case is not about it). */
function runtimeMessage(flag: string, value: string): string | undefined {
  const args = flag === 'app-id' ? [`--${flag}`, value] : ['--app-id', 'a', `--${flag}`, value];
  return parseOptions(args, {}, root).issues.find((i) => i.flag === flag)?.message;
}

// [minidaprd flag, `run` flag key, run-file field, a value minidaprd refuses, a value it takes]
const CASES: Array<[string, keyof RunFlags, string, string | number, string | number]> = [
  ['app-id', 'appId', 'appID', 'my.app', 'my-app'],
  ['app-id', 'appId', 'appID', '-app', 'app_1'],
  ['log-level', 'logLevel', 'logLevel', 'loud', 'WARN'],
  ['app-protocol', 'appProtocol', 'appProtocol', 'grpc', 'https'],
  ['app-protocol', 'appProtocol', 'appProtocol', 'smtp', 'http'],
  ['max-body-size', 'maxBodySize', 'maxBodySize', 'huge', '8Mi'],
  ['read-buffer-size', 'readBufferSize', 'readBufferSize', '0', '4Ki'],
  ['app-max-concurrency', 'appMaxConcurrency', 'appMaxConcurrency', -2, 10],
  ['app-health-probe-interval', 'appHealthProbeInterval', 'appHealthProbeInterval', 0, 2],
  ['app-health-threshold', 'appHealthThreshold', 'appHealthThreshold', 5000, 1],
];

describe('run rejects exactly what minidaprd rejects, with minidaprd\'s words', () => {
  it.each(CASES)('--%s (%s / %s) %p', (flag, key, field, bad, good) => {
    const message = runtimeMessage(flag, String(bad));
    expect(message).toBeDefined();
    expect(runtimeMessage(flag, String(good))).toBeUndefined();

    expect(issuesOf(() => planFromFlags({ [key]: bad }, cwd, join(root, 'home')))).toEqual([`--${flag}: ${message}`]);
    expect(issuesOf(() => planFromFlags({ [key]: good }, cwd, join(root, 'home')))).toEqual([]);

    const file = (v: unknown) => stringify({ version: 1, apps: [{ appDirPath: './app', [field]: v }] });
    const parse = (v: unknown) => () => parseRunFile(file(v), join(root, 'dapr.yaml'), 'dapr.yaml', join(root, 'home'));
    expect(issuesOf(parse(bad))).toEqual([`dapr.yaml: apps[0].${field}: ${message}`]);
    expect(issuesOf(parse(good))).toEqual([]);
  });

  it('checks the values that only go wrong together (probe timeout longer than the interval)', () => {
    expect(issuesOf(() => planFromFlags({ appHealthProbeInterval: 1, appHealthProbeTimeout: 2000 }, cwd, join(root, 'home')))).toEqual([
      '--app-health-probe-timeout: must not be longer than --app-health-probe-interval',
    ]);
  });

  it('names a common value once, as common.<field>, however many apps use it', () => {
    mkdirSync(join(root, 'other'));
    const text = stringify({ version: 1, common: { logLevel: 'loud' }, apps: [{ appDirPath: './app' }, { appDirPath: './other' }] });
    expect(issuesOf(() => parseRunFile(text, join(root, 'dapr.yaml'), 'dapr.yaml', join(root, 'home')))).toEqual([
      `dapr.yaml: common.logLevel: ${runtimeMessage('log-level', 'loud')}`,
    ]);
  });

  it('keeps minidaprd\'s spelling of what it accepted; a run file may give a size as a number of bytes', () => {
    expect(planFromFlags({ logLevel: 'WARN', appProtocol: 'HTTPS' }, cwd, join(root, 'home'))).toMatchObject({ logLevel: 'warn', appProtocol: 'https' });
    const text = stringify({ version: 1, apps: [{ appDirPath: './app', logLevel: 'DEBUG', maxBodySize: 4096 }] });
    const file = parseRunFile(text, join(root, 'dapr.yaml'), 'dapr.yaml', join(root, 'home'));
    expect(file.apps[0]).toMatchObject({ logLevel: 'debug', maxBodySize: '4096' });
  });
});

it('checks the command line the plan starts minidaprd with, ports stood in for until they are picked', () => {
  const plan = planFromFlags({ appPort: 3500, daprHttpPort: 3501, logLevel: 'debug', maxBodySize: '8Mi' }, cwd, join(root, 'home'));
  const check = checkSidecar(plan);
  expect(check.issues.size).toBe(0);
  expect(check.options).toMatchObject({ appId: 'app', appPort: 3500, daprHttpPort: 3501, logLevel: 'debug', maxBodySize: 8 * 1024 * 1024 });
  const args = buildDaprdArgs(plan, { http: 3501, grpc: 50001, internal: 50002, metrics: 9090 });
  expect(parseOptions(args, {}, cwd).warnings).toEqual([]); // every flag the CLI passes is one minidaprd knows
  // a stand-in never collides with a chosen port
  const onDefault = checkSidecar({ ...plan, appPort: 3500, ports: {} });
  expect(onDefault.options?.daprHttpPort).not.toBe(3500);
});
