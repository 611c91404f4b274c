import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors';
import { loadRunFile, parseRunFile, resolveRunFilePath } from './run-file';

let root: string;
let home: string;

function write(files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = join(root, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content);
  }
}

/** Issues reported for a run file's text (empty when it is valid). */
function issuesOf(text: string): string[] {
  try {
    parseRunFile(text, join(root, 'dapr.yaml'), 'dapr.yaml', home);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues;
  }
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'runfile-'));
  home = join(root, 'home');
  mkdirSync(join(root, 'order-processor'));
  mkdirSync(join(root, 'checkout'));
  mkdirSync(join(root, 'components'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('valid run files', () => {
  it('reads apps with Dapr field names; an app\'s own paths resolve from its appDirPath', () => {
    write({ 'order-processor/config.yaml': 'kind: Configuration\n' });
    const f = parseRunFile(
      [
        'version: 1',
        'common:',
        '  resourcesPath: ./components',
        '  env: { DEBUG: "true", LEVEL: 1 }',
        '  logLevel: debug',
        'apps:',
        '  - appID: order-processor',
        '    appDirPath: ./order-processor/',
        '    appPort: 5001',
        '    command: ["npm", "start"]',
        '    env: { LEVEL: 2 }',
        '    daprHTTPPort: 3501',
        '    configFilePath: ./config.yaml',
        '  - appDirPath: ./checkout',
        '    command: [node, app.js]',
        '    appLogDestination: console',
        '    enableApiLogging: true',
        '    maxBodySize: 8Mi',
      ].join('\n'),
      join(root, 'dapr.yaml'),
      'dapr.yaml',
      home,
    );
    expect(f.path).toBe(join(root, 'dapr.yaml'));
    expect(f.name).toBe('dapr.yaml');
    const [a, b] = f.apps;
    expect(a).toMatchObject({
      appId: 'order-processor',
      cwd: join(root, 'order-processor'),
      appPort: 5001,
      command: ['npm', 'start'],
      env: { DEBUG: 'true', LEVEL: '2' },
      ports: { http: 3501 },
      resourcesPaths: [join(root, 'components')],
      configPath: join(root, 'order-processor', 'config.yaml'),
      logLevel: 'debug',
      appLogDestination: 'fileAndConsole',
      daprdLogDestination: 'file',
    });
    expect(b).toMatchObject({
      appId: 'checkout', // from appDirPath
      command: ['node', 'app.js'],
      appPort: undefined,
      appLogDestination: 'console',
      enableApiLogging: true,
      maxBodySize: '8Mi',
      env: { DEBUG: 'true', LEVEL: '1' },
    });
  });

  it('resolves apps[i] paths against appDirPath and common paths against the file, as dapr/cli does', () => {
    // the shape of dapr/quickstarts bindings/javascript/http: appDirPath ./batch, resourcesPath ../../../components
    write({ 'q/bindings/components/cron.yaml': 'x', 'q/bindings/javascript/http/batch/index.js': '', 'q/bindings/javascript/http/batch/cfg/c.yaml': 'x' });
    mkdirSync(join(root, 'q', 'bindings', 'javascript', 'http', 'shared'));
    const dir = join(root, 'q', 'bindings', 'javascript', 'http');
    const f = parseRunFile(
      [
        'version: 1',
        'common:',
        '  resourcesPaths: [./shared]',
        'apps:',
        '  - appID: batch-http',
        '    appDirPath: ./batch',
        '    resourcesPath: ../../../components',
        '    configFilePath: cfg/c.yaml',
        '  - appID: other',
        '    appDirPath: ./batch',
        `    resourcesPaths: [${join(root, 'components')}]`,
        '  - appID: third',
        '    appDirPath: batch/cfg',
      ].join('\n'),
      join(dir, 'dapr.yaml'),
      'dapr.yaml',
      home,
    );
    expect(f.apps.map((a) => [a.cwd, a.resourcesPaths, a.configPath])).toEqual([
      [join(dir, 'batch'), [join(root, 'q', 'bindings', 'components')], join(dir, 'batch', 'cfg', 'c.yaml')],
      [join(dir, 'batch'), [join(root, 'components')], undefined],
      [join(dir, 'batch', 'cfg'), [join(dir, 'shared')], undefined],
    ]);
  });

  it('expands ~ in paths to the home folder', () => {
    const f = parseRunFile('version: 1\napps:\n  - appDirPath: ./checkout\n    resourcesPath: ~/\n', join(root, 'dapr.yaml'), 'dapr.yaml', home);
    expect(f.apps[0]?.resourcesPaths).toEqual([homedir()]);
  });

  it('resource precedence: app > <appDir>/.minidapr/resources > common > MINIDAPR_HOME/components', () => {
    mkdirSync(join(root, 'checkout', '.minidapr', 'resources'), { recursive: true });
    mkdirSync(join(root, 'order-processor', 'app-res'));
    mkdirSync(join(home, 'components'), { recursive: true });
    mkdirSync(join(root, 'third'));
    const text = (common: string): string =>
      [
        'version: 1',
        common,
        'apps:',
        '  - appDirPath: ./order-processor',
        '    resourcesPaths: [./app-res]',
        '  - appDirPath: ./checkout',
        '  - appDirPath: ./third',
      ].join('\n');
    const withCommon = parseRunFile(text('common: { resourcesPaths: [./components] }'), join(root, 'dapr.yaml'), 'dapr.yaml', home);
    expect(withCommon.apps.map((a) => a.resourcesPaths)).toEqual([
      [join(root, 'order-processor', 'app-res')],
      [join(root, 'checkout', '.minidapr', 'resources')],
      [join(root, 'components')],
    ]);
    const noCommon = parseRunFile(text(''), join(root, 'dapr.yaml'), 'dapr.yaml', home);
    expect(noCommon.apps[2]?.resourcesPaths).toEqual([join(home, 'components')]);
    expect(noCommon.apps.map((a) => a.homeMissing)).toEqual([[join(home, 'config.yaml')], [join(home, 'config.yaml')], [join(home, 'config.yaml')]]);
    rmSync(join(home, 'components'), { recursive: true });
    const noHome = parseRunFile(text(''), join(root, 'dapr.yaml'), 'dapr.yaml', home);
    expect(noHome.apps[2]?.resourcesPaths).toEqual([]);
    expect(noHome.apps[2]?.homeMissing).toEqual([join(home, 'components'), join(home, 'config.yaml')]);
  });

  it('config precedence: app > <appDir>/.minidapr/config.yaml > common > MINIDAPR_HOME/config.yaml', () => {
    write({ 'checkout/.minidapr/config.yaml': 'kind: Configuration\n', 'c.yaml': 'kind: Configuration\n', 'home/config.yaml': 'x' });
    const f = parseRunFile(
      'version: 1\napps:\n  - appDirPath: ./checkout\n  - appDirPath: ./order-processor\n',
      join(root, 'dapr.yaml'),
      'dapr.yaml',
      home,
    );
    expect(f.apps.map((a) => a.configPath)).toEqual([join(root, 'checkout', '.minidapr', 'config.yaml'), join(home, 'config.yaml')]);
    const g = parseRunFile('version: 1\ncommon: { configFilePath: ./c.yaml }\napps:\n  - appDirPath: ./order-processor\n', join(root, 'dapr.yaml'), 'dapr.yaml', home);
    expect(g.apps[0]?.configPath).toBe(join(root, 'c.yaml'));
  });

  it('accepts Dapr fields minidapr does not use, with a note', () => {
    const f = parseRunFile(
      'version: 1\napps:\n  - appDirPath: ./checkout\n    placementHostAddress: localhost\n    enableProfiling: true\n',
      join(root, 'dapr.yaml'),
      'dapr.yaml',
      home,
    );
    expect(f.notes).toEqual([
      'dapr.yaml: apps[0].placementHostAddress is a Dapr field minidapr does not use; ignored',
      'dapr.yaml: apps[0].enableProfiling is a Dapr field minidapr does not use; ignored',
    ]);
  });

  it('passes health-check fields to daprd', () => {
    const f = parseRunFile(
      'version: 1\ncommon: { enableAppHealthCheck: true }\napps:\n  - appDirPath: ./checkout\n    appHealthCheckPath: /health\n',
      join(root, 'dapr.yaml'),
      'dapr.yaml',
      home,
    );
    expect(f.apps[0]?.extraDaprdArgs).toEqual(['--enable-app-health-check', '--app-health-check-path', '/health']);
  });

  it('finds dapr.yaml in a directory, and names the file relative to the cwd', () => {
    write({ 'dapr.yaml': 'version: 1\napps:\n  - appDirPath: ./checkout\n' });
    expect(resolveRunFilePath('.', root)).toBe(join(root, 'dapr.yaml'));
    expect(loadRunFile('.', root, home).label).toBe('dapr.yaml');
    expect(loadRunFile(root, join(root, 'checkout'), home).label).toBe(join(root, 'dapr.yaml'));
  });
});

describe('every error names the file and the field', () => {
  const cases: Array<[string, string, string]> = [
    ['missing directory', 'version: 1\napps:\n  - appDirPath: ./checkout\n  - appDirPath: ./nope\n', 'dapr.yaml: apps[1].appDirPath: ./nope does not exist (resolved against the folder of dapr.yaml to '],
    ['missing appDirPath', 'version: 1\napps:\n  - appID: x\n', 'dapr.yaml: apps[0].appDirPath: is required'],
    ['unknown top-level field', 'version: 1\nfoo: 1\napps:\n  - appDirPath: ./checkout\n', 'dapr.yaml: foo: unknown top-level field (known: version, common, apps)'],
    ['missing version', 'apps:\n  - appDirPath: ./checkout\n', 'dapr.yaml: version: is required (version: 1)'],
    ['wrong version', 'version: 2\napps:\n  - appDirPath: ./checkout\n', 'dapr.yaml: version: must be 1, got 2'],
    ['no apps', 'version: 1\n', 'dapr.yaml: apps: must be a non-empty list of apps (each with at least appDirPath)'],
    ['app not a mapping', 'version: 1\napps:\n  - ./checkout\n', 'dapr.yaml: apps[0]: must be a mapping with appDirPath, got "./checkout"'],
    [
      'duplicate appID',
      'version: 1\napps:\n  - appID: a\n    appDirPath: ./checkout\n  - appID: a\n    appDirPath: ./order-processor\n',
      'dapr.yaml: apps[1].appID: "a" is already used by apps[0]; app ids must be unique',
    ],
    [
      'duplicate derived appID',
      'version: 1\napps:\n  - appDirPath: ./checkout\n  - appDirPath: ./checkout/\n',
      'dapr.yaml: apps[1].appID: "checkout" is already used by apps[0]; app ids must be unique',
    ],
    [
      'duplicate ports across apps',
      'version: 1\napps:\n  - appDirPath: ./checkout\n    daprHTTPPort: 3500\n  - appDirPath: ./order-processor\n    appPort: 3500\n',
      'dapr.yaml: apps[1].appPort: port 3500 is already used by apps[0].daprHTTPPort',
    ],
    [
      'app port equal to its sidecar port',
      'version: 1\napps:\n  - appDirPath: ./checkout\n    appPort: 3000\n    daprHTTPPort: 3000\n',
      'dapr.yaml: apps[0].daprHTTPPort: port 3000 is already used by apps[0].appPort',
    ],
    ['port as a string', 'version: 1\napps:\n  - appDirPath: ./checkout\n    appPort: "3000"\n', 'dapr.yaml: apps[0].appPort: must be a port number from 0 to 65535, got "3000"'],
    ['port out of range', 'version: 1\napps:\n  - appDirPath: ./checkout\n    metricsPort: 70000\n', 'dapr.yaml: apps[0].metricsPort: must be a port number from 1 to 65535, got 70000'],
    ['command as a string', 'version: 1\napps:\n  - appDirPath: ./checkout\n    command: npm start\n', 'dapr.yaml: apps[0].command: must be a non-empty list of strings, e.g. ["npm", "start"], got "npm start"'],
    ['env not a mapping', 'version: 1\napps:\n  - appDirPath: ./checkout\n    env: [A=1]\n', 'dapr.yaml: apps[0].env: must be a mapping of NAME: value, got ["A=1"]'],
    ['env value not a scalar', 'version: 1\napps:\n  - appDirPath: ./checkout\n    env: { A: [1] }\n', 'dapr.yaml: apps[0].env.A: must be a string, number or boolean, got [1]'],
    ['unknown app field', 'version: 1\napps:\n  - appDirPath: ./checkout\n    appPorts: 3000\n', 'dapr.yaml: apps[0].appPorts: unknown field'],
    ['per-app field in common', 'version: 1\ncommon:\n  appPort: 3000\napps:\n  - appDirPath: ./checkout\n', 'dapr.yaml: common.appPort: not allowed in common; set it on each app'],
    ['common not a mapping', 'version: 1\ncommon: 3\napps:\n  - appDirPath: ./checkout\n', 'dapr.yaml: common: must be a mapping, got 3'],
    ['bad app id', 'version: 1\napps:\n  - appID: my.app\n    appDirPath: ./checkout\n', 'dapr.yaml: apps[0].appID: must not contain "." (got "my.app")'],
    ['bad log level', 'version: 1\napps:\n  - appDirPath: ./checkout\n    logLevel: loud\n', 'dapr.yaml: apps[0].logLevel: must be one of debug, info, warn, error, fatal, got "loud"'],
    ['h2c app protocol', 'version: 1\napps:\n  - appDirPath: ./checkout\n    appProtocol: h2c\n', 'dapr.yaml: apps[0].appProtocol: h2c apps are not supported by minidaprd yet; use http or https or grpc or grpcs'],
    ['bad log destination', 'version: 1\napps:\n  - appDirPath: ./checkout\n    appLogDestination: stdout\n', 'dapr.yaml: apps[0].appLogDestination: must be one of file, console, fileAndConsole, got "stdout"'],
    ['bad size', 'version: 1\napps:\n  - appDirPath: ./checkout\n    maxBodySize: big\n', 'dapr.yaml: apps[0].maxBodySize: must be a size like 4Mi, 512Ki or 4096, got "big"'],
    ['bool as a string', 'version: 1\napps:\n  - appDirPath: ./checkout\n    enableApiLogging: "yes"\n', 'dapr.yaml: apps[0].enableApiLogging: must be true or false, got "yes"'],
    [
      'missing resources path (resolved against appDirPath)',
      'version: 1\napps:\n  - appDirPath: ./checkout\n    resourcesPaths: [../components, ./components]\n',
      `dapr.yaml: apps[0].resourcesPaths[1]: ./components does not exist (resolved against appDirPath ./checkout to <root>/checkout/components)`,
    ],
    [
      'missing config file (resolved against the file)',
      'version: 1\ncommon:\n  configFilePath: ./nope.yaml\napps:\n  - appDirPath: ./checkout\n',
      `dapr.yaml: common.configFilePath: ./nope.yaml does not exist (resolved against the folder of dapr.yaml to <root>/nope.yaml)`,
    ],
    ['appDirPath is a file', 'version: 1\napps:\n  - appDirPath: ./file.txt\n', 'dapr.yaml: apps[0].appDirPath: ./file.txt is not a directory'],
    ['invalid YAML', 'version: 1\napps: [\n', 'dapr.yaml: invalid YAML:'],
    ['not a mapping', '- a\n- b\n', 'dapr.yaml: must be a mapping with version, common and apps'],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    write({ 'file.txt': 'x' });
    const issues = issuesOf(text);
    expect(issues.length).toBeGreaterThan(0);
    // `<root>` stands for the temp folder (the table is built before it exists)
    const want = expected.replace('<root>', root);
    expect(issues.some((i) => i.startsWith(want))).toBe(true);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf('version: 3\nextra: true\napps:\n  - appDirPath: ./nope\n  - appDirPath: ./checkout\n    appPort: x\n');
    expect(issues).toEqual([
      'dapr.yaml: extra: unknown top-level field (known: version, common, apps)',
      'dapr.yaml: version: must be 1, got 3',
      `dapr.yaml: apps[0].appDirPath: ./nope does not exist (resolved against the folder of dapr.yaml to ${join(root, 'nope')})`,
      'dapr.yaml: apps[1].appPort: must be a port number from 0 to 65535, got "x"',
    ]);
  });

  it('a missing run file is named with the flag', () => {
    expect(() => loadRunFile('./missing.yaml', root, home)).toThrow('--run-file: missing.yaml does not exist or cannot be read');
    expect(() => loadRunFile('.', root, home)).toThrow('--run-file: dapr.yaml does not exist');
  });
});
