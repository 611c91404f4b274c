import * as D from './defaults';
import { ALIASES, APP_ID_PATTERN, canonicalFlag, FLAGS, flagDefault, flagUsageLines } from './option-flags';
import { parseOptions, USAGE } from './options';
import { parseQuantity } from './quantity';

describe('the flag table is the single source of minidaprd --help', () => {
  it('lists every flag of the table, and every alias, in the usage text', () => {
    for (const name of Object.keys(FLAGS)) expect(USAGE).toMatch(new RegExp(`^  --${name}(\\s|\\[|$)`, 'm'));
    for (const alias of Object.keys(ALIASES).filter((a) => a.length > 1)) expect(USAGE).toContain(`--${alias}`);
    expect(USAGE).toContain(flagUsageLines());
  });

  it('shows every default next to its flag', () => {
    for (const [name, def] of Object.entries(FLAGS)) {
      if (def.dflt === undefined) continue;
      const block = USAGE.slice(USAGE.indexOf(`  --${name}`));
      const end = block.search(/\n {2}--/);
      expect(block.slice(0, end < 0 ? undefined : end)).toContain(`(default ${def.dflt})`);
    }
  });
});

describe('the defaults the table shows are the ones the parser applies', () => {
  const o = parseOptions(['--app-id', 'a'], {}, '/').options;
  it.each([
    ['dapr-http-port', o?.daprHttpPort],
    ['dapr-grpc-port', o?.daprGrpcPort],
    ['dapr-internal-port', o?.daprInternalPort],
    ['metrics-port', o?.metricsPort],
    ['app-protocol', o?.appProtocol],
    ['app-channel-address', o?.appChannelAddress],
    ['log-level', o?.logLevel],
    ['dapr-listen-addresses', o?.listenAddresses.join(',')],
    ['dapr-graceful-shutdown-seconds', o?.gracefulShutdownSeconds],
    ['app-health-check-path', o?.appHealthCheckPath],
    ['app-health-probe-interval', o?.appHealthProbeIntervalS],
    ['app-health-probe-timeout', o?.appHealthProbeTimeoutMs],
    ['app-health-threshold', o?.appHealthThreshold],
  ])('--%s', (flag, parsed) => {
    expect(flagDefault(flag)).toBe(String(parsed));
  });

  it('sizes and durations', () => {
    expect(parseQuantity(flagDefault('max-body-size') ?? '')).toBe(o?.maxBodySize);
    expect(parseQuantity(flagDefault('read-buffer-size') ?? '')).toBe(o?.readBufferSize);
    expect(flagDefault('app-binding-options-timeout')).toBe(`${D.DEFAULT_APP_BINDING_OPTIONS_TIMEOUT_MS / 1000}s`);
    expect(flagDefault('read-header-timeout')).toBe(`${(o?.readHeaderTimeoutMs ?? 0) / 1000}s`);
    expect(flagDefault('read-body-idle-timeout')).toBe(`${(o?.readBodyIdleTimeoutMs ?? 0) / 1000}s`);
  });
});

describe('flag names and issues', () => {
  it('maps aliases and dashes onto the table', () => {
    expect(canonicalFlag('--components-path')).toBe('resources-path');
    expect(canonicalFlag('dapr-internal-grpc-port')).toBe('dapr-internal-port');
    expect(canonicalFlag('-Log-Level')).toBe('log-level');
    expect(flagDefault('--dapr-internal-grpc-port')).toBe(String(D.DEFAULT_DAPR_INTERNAL_PORT));
  });

  it('reports each problem by flag as well as as text', () => {
    const r = parseOptions(['--app-id', '-x', '--log-level', 'loud', '--components-path'], {}, '/');
    expect(r.issues).toEqual([
      { flag: 'components-path', message: 'a value is required' },
      { flag: 'app-id', message: 'use letters, digits, "-" and "_" only, starting with a letter or digit (got "-x")' },
      { flag: 'log-level', message: 'must be one of debug, info, warn, error, fatal, got "loud"' },
    ]);
    expect(r.errors).toEqual(r.issues.map((i) => `--${i.flag}: ${i.message}`));
    expect(APP_ID_PATTERN.test('-x')).toBe(false);
  });
});
