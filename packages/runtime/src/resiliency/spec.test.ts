/** parseResiliency: defaults, durations, and errors that name the file, the resource and the field. */
import type { RawResource } from '../components/loader';
import { ConfigError } from '../errors/startup';
import { checkReferences, parseResiliency } from './spec';

const raw = (spec: unknown, extra: Record<string, unknown> = {}): RawResource => ({
  kind: 'Resiliency',
  name: 'myresiliency',
  file: 'resources/resiliency.yaml',
  doc: { apiVersion: 'dapr.io/v1alpha1', kind: 'Resiliency', metadata: { name: 'myresiliency' }, spec, ...extra },
});

function issues(spec: unknown): string[] {
  try {
    parseResiliency(raw(spec));
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

it('fills Dapr defaults for retries and circuit breakers', () => {
  const s = parseResiliency(raw({ policies: { retries: { r: {} }, circuitBreakers: { cb: {} }, timeouts: { t: '1m30s', ms: 250, zero: '0' } } }, { scopes: ['checkout'] }));
  expect(s.retries.get('r')).toMatchObject({ policy: 'constant', durationMs: 5000, maxRetries: -1, maxIntervalMs: 60_000, initialIntervalMs: 500, multiplier: 1.5, randomizationFactor: 0.5, maxElapsedTimeMs: 900_000 });
  expect(s.retries.get('r')?.httpStatusCodes).toBeUndefined();
  expect(s.circuitBreakers.get('cb')).toMatchObject({ maxRequests: 1, intervalMs: 0, timeoutMs: 60_000, tripSource: 'consecutiveFailures > 5' });
  expect([...s.timeouts]).toEqual([
    ['t', 90_000],
    ['ms', 250],
    ['zero', 0],
  ]);
  expect(s.scopes).toEqual(['checkout']);
});

it('reads every retry and breaker field', () => {
  const s = parseResiliency(
    raw({
      policies: {
        retries: {
          exp: { policy: 'exponential', initialInterval: '100ms', multiplier: 2, randomizationFactor: 0, maxInterval: '10s', maxElapsedTime: '1m', maxRetries: 7, matching: { httpStatusCodes: '500, 502-504', gRPCStatusCodes: '1-4,14' } },
        },
        circuitBreakers: { cb: { maxRequests: 3, interval: '8s', timeout: '45s', trip: 'consecutiveFailures > 15' } },
      },
      targets: { apps: { backend: { retry: 'exp', circuitBreaker: 'cb' } }, components: { statestore: { outbound: { retry: 'exp' } } } },
    }),
  );
  expect(s.retries.get('exp')).toMatchObject({
    policy: 'exponential',
    initialIntervalMs: 100,
    multiplier: 2,
    randomizationFactor: 0,
    maxIntervalMs: 10_000,
    maxElapsedTimeMs: 60_000,
    maxRetries: 7,
    httpStatusCodes: [
      { start: 500, end: 500 },
      { start: 502, end: 504 },
    ],
    grpcStatusCodes: [
      { start: 1, end: 4 },
      { start: 14, end: 14 },
    ],
  });
  expect(s.circuitBreakers.get('cb')).toMatchObject({ maxRequests: 3, intervalMs: 8000, timeoutMs: 45_000 });
  expect(s.apps.get('backend')).toEqual({ retry: 'exp', circuitBreaker: 'cb' });
  expect(s.components.get('statestore')).toEqual({ inbound: {}, outbound: { retry: 'exp' } });
});

it('names file, resource and field for each bad value', () => {
  expect(
    issues({
      policies: {
        timeouts: { general: '5x' },
        retries: { retryForever: { duration: '5x', policy: 'linear', maxRetries: -2, matching: { httpStatusCodes: '500-700,abc', gRPCStatusCodes: '5-3' } } },
        circuitBreakers: { cb: { trip: 'failures > 1', maxRequests: 'many', timeout: 'soon' } },
      },
    }),
  ).toEqual([
    'resources/resiliency.yaml: Resiliency myresiliency: spec.policies.timeouts.general: "5x" is not a duration (e.g. 5s, 500ms, 1m30s)',
    'resources/resiliency.yaml: Resiliency myresiliency: spec.policies.retries.retryForever.policy: "linear" is not a retry policy (constant or exponential)',
    'resources/resiliency.yaml: Resiliency myresiliency: spec.policies.retries.retryForever.duration: "5x" is not a duration (e.g. 5s, 500ms, 1m30s)',
    'resources/resiliency.yaml: Resiliency myresiliency: spec.policies.retries.retryForever.maxRetries: -2 is not an integer of -1 (forever) or more',
    'resources/resiliency.yaml: Resiliency myresiliency: spec.policies.retries.retryForever.matching.httpStatusCodes: "500-700" is outside 100-599',
    'resources/resiliency.yaml: Resiliency myresiliency: spec.policies.retries.retryForever.matching.httpStatusCodes: "abc" is not a code or a range like 500-599',
    'resources/resiliency.yaml: Resiliency myresiliency: spec.policies.retries.retryForever.matching.gRPCStatusCodes: "5-3": the range starts after it ends',
    'resources/resiliency.yaml: Resiliency myresiliency: spec.policies.circuitBreakers.cb.maxRequests: "many" is not a whole number',
    'resources/resiliency.yaml: Resiliency myresiliency: spec.policies.circuitBreakers.cb.timeout: "soon" is not a duration (e.g. 5s, 500ms, 1m30s)',
    expect.stringMatching(/^resources\/resiliency\.yaml: Resiliency myresiliency: spec\.policies\.circuitBreakers\.cb\.trip: "failures > 1" is not a supported trip expression: unknown variable "failures"/),
  ]);
});

it('refuses unknown fields, a missing spec and non-mappings', () => {
  expect(issues({ policies: { retries: { r: { maxRetry: 3 } } }, targets: { apps: { a: { retries: 'r' } }, components: { s: { outbund: {} } } } })).toEqual([
    expect.stringMatching(/spec\.policies\.retries\.r\.maxRetry: is not a field \(known: policy, duration/),
    expect.stringMatching(/spec\.targets\.apps\.a\.retries: is not a field/),
    expect.stringMatching(/spec\.targets\.components\.s\.outbund: is not a field \(a component target has inbound and outbound\)/),
  ]);
  expect(issues(undefined)).toEqual(['resources/resiliency.yaml: Resiliency myresiliency: spec: is required (a mapping with policies and targets)']);
  expect(issues({ policies: { timeouts: ['5s'] } })).toEqual(['resources/resiliency.yaml: Resiliency myresiliency: spec.policies.timeouts: must be a mapping']);
});

it("reads an app target's circuitBreakerCacheSize (0 = the default, daprd); refuses a negative or fractional one", () => {
  const s = parseResiliency(raw({ policies: { circuitBreakers: { cb: {} } }, targets: { apps: { a: { circuitBreaker: 'cb', circuitBreakerCacheSize: 5 }, b: { circuitBreaker: 'cb', circuitBreakerCacheSize: 0 }, c: { circuitBreakerCacheSize: '7' } } } }));
  expect(s.apps.get('a')).toEqual({ circuitBreaker: 'cb', circuitBreakerCacheSize: 5 });
  expect(s.apps.get('b')).toEqual({ circuitBreaker: 'cb' });
  expect(s.apps.get('c')).toEqual({ circuitBreakerCacheSize: 7 });
  expect(issues({ targets: { apps: { a: { circuitBreakerCacheSize: -1 }, b: { circuitBreakerCacheSize: 1.5 } } } })).toEqual([
    'resources/resiliency.yaml: Resiliency myresiliency: spec.targets.apps.a.circuitBreakerCacheSize: -1 is not a whole number',
    'resources/resiliency.yaml: Resiliency myresiliency: spec.targets.apps.b.circuitBreakerCacheSize: 1.5 is not a whole number',
  ]);
});

it('checkReferences: targets must name policies defined in some loaded document (built-in retries count)', () => {
  const a = parseResiliency(raw({ policies: { retries: { shared: {} } } }));
  const b = parseResiliency({ ...raw({ targets: { apps: { x: { retry: 'shared', timeout: 'nope' } }, components: { s: { inbound: { circuitBreaker: 'cbx', retry: 'DaprBuiltInServiceRetries' } } } } }), name: 'other', file: 'b.yaml' });
  expect(() => checkReferences([a])).not.toThrow();
  let lines: string[] = [];
  try {
    checkReferences([a, b]);
  } catch (err) {
    lines = (err as ConfigError).issues;
  }
  expect(lines).toEqual([
    'b.yaml: Resiliency other: spec.targets.apps.x.timeout: timeout policy "nope" is not defined in spec.policies.timeouts',
    'b.yaml: Resiliency other: spec.targets.components.s.inbound.circuitBreaker: circuit breaker policy "cbx" is not defined in spec.policies.circuitBreakers',
  ]);
});
