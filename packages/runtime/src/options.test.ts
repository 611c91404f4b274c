import { parseOptions } from './options';

const parse = (args: string[], env: NodeJS.ProcessEnv = {}) => parseOptions(args, env, '/work');

describe('parseOptions', () => {
  it('applies daprd defaults', () => {
    const { options, errors } = parse(['--app-id', 'nodeapp']);
    expect(errors).toEqual([]);
    expect(options).toMatchObject({
      appId: 'nodeapp',
      appPort: undefined,
      appProtocol: 'http',
      appChannelAddress: '127.0.0.1',
      daprHttpPort: 3500,
      daprGrpcPort: 50001,
      daprInternalPort: 50002,
      daprInternalPortExplicit: false,
      metricsPort: 9090,
      listenAddresses: ['127.0.0.1'],
      maxBodySize: 4 * 1024 * 1024,
      readBufferSize: 4096,
      logLevel: 'info',
      logAsJson: false,
      appMaxConcurrency: -1,
      gracefulShutdownSeconds: 5,
      appBindingOptionsTimeoutMs: 3000,
    });
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('accepts --flag value, --flag=value and single-dash forms; last scalar wins', () => {
    const { options } = parse(['-app-id=a', '--app-port', '3000', '-dapr-http-port=3600', '--dapr-http-port', '3700', '--log-as-json', '--enable-api-logging=false']);
    expect(options).toMatchObject({ appId: 'a', appPort: 3000, daprHttpPort: 3700, logAsJson: true, enableApiLogging: false });
  });

  it('treats aliases and repeatable/CSV lists like daprd', () => {
    const { options } = parse([
      '--app-id', 'a',
      '--components-path', 'one',
      '--resources-path', 'two,three',
      '--dapr-internal-grpc-port', '50010',
      '--dapr-listen-addresses', '127.0.0.1,[::1]',
      '--max-body-size', '16Mi',
      '--read-buffer-size', '8Ki',
    ]);
    expect(options?.resourcesPaths).toEqual(['one', 'two', 'three']);
    expect(options?.daprInternalPort).toBe(50010);
    expect(options?.daprInternalPortExplicit).toBe(true);
    expect(options?.listenAddresses).toEqual(['127.0.0.1', '[::1]']);
    expect(options?.maxBodySize).toBe(16 * 1024 * 1024);
    expect(options?.readBufferSize).toBe(8192);
  });

  it('accepts the flags the Dapr CLI passes, including negative numbers, and warns on unknown flags', () => {
    const res = parse([
      '--app-id', 'a', '--app-port', '0', '--profile-port', '-1', '--app-max-concurrency', '-1',
      '--placement-host-address', 'localhost:50005', '--scheduler-host-address', 'localhost:50006', '--mode', 'standalone',
      '--enable-profiling', '--totally-new-flag', 'x',
    ]);
    expect(res.errors).toEqual([]);
    expect(res.options?.appPort).toBeUndefined();
    expect(res.options?.appMaxConcurrency).toBe(-1);
    expect(res.warnings).toEqual(['unknown flag --totally-new-flag ignored']);
  });

  it('reads tokens, namespace and home from the environment', () => {
    const { options } = parse(['--app-id', 'a'], { DAPR_API_TOKEN: 't1', APP_API_TOKEN: 't2', NAMESPACE: 'ns', MINIDAPR_HOME: '/tmp/h' });
    expect(options).toMatchObject({ apiToken: 't1', appApiToken: 't2', namespace: 'ns', home: '/tmp/h' });
  });

  it('collects every problem at once, naming the flag', () => {
    const { options, errors } = parse(['--app-port', 'abc', '--log-level', 'loud', '--max-body-size', 'big', '--app-protocol', 'smtp']);
    expect(options).toBeUndefined();
    expect(errors).toEqual(
      expect.arrayContaining([
        '--app-id: is required',
        expect.stringMatching(/^--app-port: must be a whole number/),
        expect.stringMatching(/^--log-level: must be one of/),
        expect.stringMatching(/^--max-body-size: must be a size/),
        expect.stringMatching(/^--app-protocol: must be one of/),
      ]),
    );
  });

  it('refuses an app id with a dot and equal app and HTTP ports', () => {
    expect(parse(['--app-id', 'a.b']).errors).toEqual(['--app-id: must not contain "." (got "a.b")']);
    expect(parse(['--app-id', 'a', '--app-port', '3500']).errors).toEqual(['--dapr-http-port: must differ from --app-port (both are 3500)']);
  });

  it('reads --app-binding-options-timeout as a Go duration (default 3s)', () => {
    expect(parse(['--app-id', 'a']).options?.appBindingOptionsTimeoutMs).toBe(3000);
    expect(parse(['--app-id', 'a', '--app-binding-options-timeout', '500ms']).options?.appBindingOptionsTimeoutMs).toBe(500);
    expect(parse(['--app-id', 'a', '-app-binding-options-timeout=1m30s']).options?.appBindingOptionsTimeoutMs).toBe(90_000);
    expect(parse(['--app-id', 'a', '--app-binding-options-timeout', '2']).options?.appBindingOptionsTimeoutMs).toBe(2000);
    for (const bad of ['soon', '0s', '']) {
      const res = parse(['--app-id', 'a', `--app-binding-options-timeout=${bad}`]);
      expect(res.options).toBeUndefined();
      expect(res.errors).toEqual([`--app-binding-options-timeout: must be a duration greater than zero like 3s or 500ms, got "${bad}"`]);
    }
    expect(parse(['--app-id', 'a', '--app-binding-options-timeout']).errors).toEqual(['--app-binding-options-timeout: a value is required']);
  });

  it('recognises --version and --help', () => {
    expect(parse(['--version']).action).toBe('version');
    expect(parse(['-version']).action).toBe('version');
    expect(parse(['--help']).action).toBe('help');
  });

  it('parses the guard flag group (hosts, origins, header and body timeouts) with env fallbacks', () => {
    const d = parse(['--app-id', 'a']).options;
    expect(d).toMatchObject({ allowedHosts: [], allowedOrigins: [], readHeaderTimeoutMs: 10_000, readBodyIdleTimeoutMs: 60_000 });
    const o = parse(['--app-id', 'a', '--allowed-hosts', 'Web,*.svc.cluster.local', '--allowed-origins=http://localhost:8080', '--read-header-timeout', '5s', '--read-body-idle-timeout', '2m']).options;
    expect(o).toMatchObject({ allowedHosts: ['web', '*.svc.cluster.local'], allowedOrigins: ['http://localhost:8080'], readHeaderTimeoutMs: 5000, readBodyIdleTimeoutMs: 120_000 });
    expect(parseOptions(['--app-id', 'a'], { MINIDAPR_ALLOWED_HOSTS: 'x, y', HOSTNAME: 'Pod-1' }, '.').options).toMatchObject({ allowedHosts: ['x', 'y'], ownHostnames: expect.arrayContaining(['pod-1']) });
    expect(parse(['--app-id', 'a', '--read-header-timeout', 'never']).errors).toEqual(['--read-header-timeout: must be a duration greater than zero like 3s or 500ms, got "never"']);
  });
});

describe('mTLS flags', () => {
  it('parses --enable-mtls, --trust-anchors-file, --issuer-credentials, --sentry-address and the internal listen address', () => {
    const r = parseOptions(['--app-id', 'a', '--enable-mtls', '--trust-anchors-file', 'ca.pem', '--issuer-credentials', 'certs', '--sentry-address', 's:1', '--dapr-internal-grpc-listen-address', '0.0.0.0'], {}, '/');
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.options?.mtls).toEqual({ enabled: true, trustAnchorsFile: 'ca.pem', issuerCredentials: 'certs', sentryAddress: 's:1' });
    expect(r.options?.internalListenAddresses).toEqual(['0.0.0.0']);
  });

  it('leaves mTLS to the Configuration unless the flag is given; --enable-mtls=false turns it off', () => {
    expect(parseOptions(['--app-id', 'a'], {}, '/').options?.mtls.enabled).toBeUndefined();
    expect(parseOptions(['--app-id', 'a', '--enable-mtls=false'], {}, '/').options?.mtls.enabled).toBe(false);
    expect(parseOptions(['--app-id', 'a'], {}, '/').options?.internalListenAddresses).toBeUndefined();
  });
});
