import { buildAppEnv, buildDaprdArgs, buildSidecarEnv, commandLine, type AppPlan } from './plan';

const ports = { http: 3500, grpc: 50001, internal: 50002, metrics: 9090 };

function plan(over: Partial<AppPlan> = {}): AppPlan {
  return {
    appId: 'nodeapp',
    cwd: '/srv/app',
    command: ['node', 'app.js'],
    appProtocol: 'http',
    appChannelAddress: '127.0.0.1',
    ports: {},
    portLabels: {},
    resourcesPaths: [],
    env: {},
    extraDaprdArgs: [],
    ...over,
  };
}

describe('buildDaprdArgs', () => {
  it('passes the app id, protocol and every port with daprd flag names', () => {
    expect(buildDaprdArgs(plan(), ports)).toEqual([
      '--app-id', 'nodeapp',
      '--app-protocol', 'http',
      '--dapr-http-port', '3500',
      '--dapr-grpc-port', '50001',
      '--dapr-internal-grpc-port', '50002',
      '--metrics-port', '9090',
    ]);
  });

  it('adds the app port, resources, config and runtime flags when set', () => {
    const args = buildDaprdArgs(
      plan({
        appPort: 3000,
        appChannelAddress: '10.0.0.5',
        resourcesPaths: ['/r1', '/r2'],
        configPath: '/c.yaml',
        logLevel: 'debug',
        enableApiLogging: true,
        maxBodySize: '8Mi',
        readBufferSize: '8Ki',
        appMaxConcurrency: 4,
        extraDaprdArgs: ['--enable-app-health-check'],
      }),
      ports,
    );
    expect(args.join(' ')).toBe(
      '--app-id nodeapp --app-port 3000 --app-protocol http --app-channel-address 10.0.0.5 ' +
        '--dapr-http-port 3500 --dapr-grpc-port 50001 --dapr-internal-grpc-port 50002 --metrics-port 9090 ' +
        '--resources-path /r1 --resources-path /r2 --config /c.yaml --log-level debug --enable-api-logging ' +
        '--max-body-size 8Mi --read-buffer-size 8Ki --app-max-concurrency 4 --enable-app-health-check',
    );
  });

  it('passes an explicit enableApiLogging: false through', () => {
    expect(buildDaprdArgs(plan({ enableApiLogging: false }), ports)).toContain('--enable-api-logging=false');
  });
});

describe('buildAppEnv', () => {
  it('sets the Dapr variables on top of the CLI environment', () => {
    const env = buildAppEnv(plan({ appPort: 3000 }), ports, { PATH: '/bin' });
    expect(env).toEqual({
      PATH: '/bin',
      APP_ID: 'nodeapp',
      APP_PORT: '3000',
      DAPR_HTTP_PORT: '3500',
      DAPR_GRPC_PORT: '50001',
      DAPR_METRICS_PORT: '9090',
      APP_PROTOCOL: 'http',
    });
  });

  it('omits APP_PORT without an app port, drops inherited APP_PORT / APP_CHANNEL_ADDRESS and replaces DAPR_GRPC_PORT', () => {
    const env = buildAppEnv(plan(), { ...ports, grpc: 41000 }, { APP_PORT: '1234', APP_CHANNEL_ADDRESS: 'x', DAPR_GRPC_PORT: '50001' });
    expect(env.APP_PORT).toBeUndefined();
    expect(env.APP_CHANNEL_ADDRESS).toBeUndefined();
    expect(env.DAPR_GRPC_PORT).toBe('41000');
  });

  it('gives the sidecar and the app the gRPC port it was assigned', () => {
    expect(buildAppEnv(plan(), { ...ports, grpc: 41001 }, {}).DAPR_GRPC_PORT).toBe('41001');
    expect(buildDaprdArgs(plan(), { ...ports, grpc: 41001 }).join(' ')).toContain('--dapr-grpc-port 41001');
  });

  it('sets APP_CHANNEL_ADDRESS only when it is not 127.0.0.1', () => {
    expect(buildAppEnv(plan({ appChannelAddress: '10.0.0.5' }), ports, {}).APP_CHANNEL_ADDRESS).toBe('10.0.0.5');
  });

  it('lets the run file env map win', () => {
    expect(buildAppEnv(plan({ env: { DAPR_HTTP_PORT: '1', X: 'y' } }), ports, {})).toMatchObject({ DAPR_HTTP_PORT: '1', X: 'y' });
    expect(buildSidecarEnv(plan({ env: { NAMESPACE: 'ns' } }), { A: 'b' })).toEqual({ A: 'b', NAMESPACE: 'ns' });
  });
});

it('commandLine joins the argv with spaces, like dapr/cli', () => {
  expect(commandLine(['npm', 'run', 'start'])).toBe('npm run start');
});
