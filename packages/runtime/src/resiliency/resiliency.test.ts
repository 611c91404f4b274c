/** Resiliency: target resolution with Dapr's defaults, built-in retries, shared breakers, caching, metrics. */
import { Registry } from 'prom-client';
import { counting } from '../../test/support/resiliency';
import type { RawResource } from '../components/loader';
import { ConfigError } from '../errors/startup';
import { createResiliencyMetrics } from './metrics';
import { DEFAULT_ENDPOINT_CACHE_SIZE, Resiliency } from './resiliency';
import { NOOP_RUNNER } from './runner';

const doc = (name: string, spec: unknown, file = `${name}.yaml`): RawResource => ({ kind: 'Resiliency', name, file, doc: { apiVersion: 'dapr.io/v1alpha1', kind: 'Resiliency', metadata: { name }, spec } });
const load = (...docs: RawResource[]) => Resiliency.fromResources(docs, { appId: 'me' });
const fast = { duration: '1ms' };
const boom = () => new Error('boom');
const unavailable = () => ({ grpcCode: 14 });

/** How many calls the op sees through this runner when it always fails. */
async function callsWhenFailing(r: ReturnType<Resiliency['endpoint']>, errorStatus?: () => { grpcCode?: number }): Promise<number> {
  const f = counting<string>(boom());
  await r.run(f.op, { errorStatus }).catch(() => undefined);
  return f.calls();
}

describe('nothing loaded', () => {
  it('components get NOOP_RUNNER; apps the built-in retries; no names', () => {
    const r = Resiliency.none();
    expect(r.names()).toEqual([]);
    expect(r.component('statestore', 'state', 'outbound')).toBe(NOOP_RUNNER);
    expect(r.endpoint('b')).toMatchObject({ noop: false, retries: true });
    expect(r.endpoint('b')).toBe(r.endpoint('c'));
    expect(r.targetsApp('b')).toBe(false);
    expect(r.targetsComponent('statestore', 'state', 'outbound')).toBe(false);
  });
});

describe('built-in service retries (DaprBuiltInServiceRetries)', () => {
  it('retry UNAVAILABLE/UNAUTHENTICATED errors 3 times, 1 s apart', async () => {
    const runner = Resiliency.none().endpoint('b');
    const times: number[] = [];
    const f = counting<string>(boom(), boom(), 'ok');
    const out = await runner.run(
      (s, a) => {
        times.push(Date.now());
        return f.op(s, a);
      },
      { errorStatus: () => ({ grpcCode: 16 }) },
    );
    expect(out).toBe('ok');
    expect(f.calls()).toBe(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  }, 10_000);

  it('do not retry other errors, permanent ones, errors without a status, nor failed results', async () => {
    const runner = Resiliency.none().endpoint('b');
    expect(await callsWhenFailing(runner, () => ({ grpcCode: 2 }))).toBe(1);
    expect(await callsWhenFailing(runner)).toBe(1);
    const perm = counting<string>(boom());
    await runner.run(perm.op, { errorStatus: () => ({ grpcCode: 14, permanent: true }) }).catch(() => undefined);
    expect(perm.calls()).toBe(1);
    const res = counting({ code: 500 });
    await expect(runner.run(res.op, { resultStatus: (x) => ({ httpStatus: x.code }) })).resolves.toEqual({ code: 500 });
    expect(res.calls()).toBe(1);
  });

  it('a policy named DaprBuiltInServiceRetries overrides them (at least 3 retries)', async () => {
    const r = load(doc('r', { policies: { retries: { DaprBuiltInServiceRetries: { duration: '1ms', maxRetries: 5 } } } }));
    expect(await callsWhenFailing(r.endpoint('b'), unavailable)).toBe(6);
    const low = load(doc('r', { policies: { retries: { DaprBuiltInServiceRetries: { duration: '1ms', maxRetries: 1 } } } }));
    expect(await callsWhenFailing(low.endpoint('b'), unavailable)).toBe(4);
  });

  it('are replaced by a named app target', async () => {
    const r = load(doc('r', { policies: { timeouts: { t: '5s' } }, targets: { apps: { b: { timeout: 't' } } } }));
    expect(r.targetsApp('b')).toBe(true);
    expect(r.endpoint('b')).toMatchObject({ retries: false, timeoutMs: 5000 });
    expect(await callsWhenFailing(r.endpoint('b'), unavailable)).toBe(1);
    // Another app keeps the built-in retries.
    expect(r.targetsApp('c')).toBe(false);
    expect(r.endpoint('c').retries).toBe(true);
  });
});

describe('app resolution', () => {
  const spec = {
    policies: {
      retries: { named: { ...fast, maxRetries: 1 }, DefaultAppRetryPolicy: { ...fast, maxRetries: 2 }, DefaultRetryPolicy: { ...fast, maxRetries: 4 } },
      timeouts: { DefaultTimeoutPolicy: '3s' },
    },
    targets: { apps: { b: { retry: 'named' } } },
  };

  it('named target > DefaultApp*Policy > Default*Policy, each kind on its own; a named target takes no defaults', async () => {
    const r = load(doc('r', spec));
    expect(await callsWhenFailing(r.endpoint('b'))).toBe(2);
    expect(r.endpoint('b').timeoutMs).toBeUndefined();
    expect(await callsWhenFailing(r.endpoint('c'))).toBe(3);
    expect(r.endpoint('c').timeoutMs).toBe(3000);
    const generic = load(doc('r', { policies: { retries: { DefaultRetryPolicy: { ...fast, maxRetries: 4 } } } }));
    expect(generic.targetsApp('anyone')).toBe(true);
    expect(await callsWhenFailing(generic.endpoint('anyone'))).toBe(5);
  });

  it('with only default policies, the built-in retries still run inside each attempt (as in daprd)', async () => {
    const r = load(doc('r', { policies: { retries: { DefaultAppRetryPolicy: { ...fast, maxRetries: 1 }, DaprBuiltInServiceRetries: { duration: '1ms', maxRetries: 3 } } } }));
    expect(await callsWhenFailing(r.endpoint('c'), unavailable)).toBe(8);
    expect(await callsWhenFailing(r.endpoint('c'))).toBe(2);
  });

  it('caches one runner per app id', () => {
    const r = load(doc('r', spec));
    expect(r.endpoint('b')).toBe(r.endpoint('b'));
    expect(r.endpoint('c')).toBe(r.endpoint('c'));
    expect(r.endpoint('b')).not.toBe(r.endpoint('c'));
  });
});

describe('lookups are cached per target', () => {
  /** Counts how often the default policies are looked up (a private step, spied for this test only). */
  function spyDefaults(): jest.SpyInstance {
    return jest.spyOn(Resiliency.prototype as unknown as { defaults: (levels: readonly string[]) => unknown }, 'defaults');
  }
  afterEach(() => jest.restoreAllMocks());

  it('targetsApp resolves the app defaults once, whatever the number of calls and apps', () => {
    const r = load(doc('r', { policies: { retries: { DefaultRetryPolicy: { ...fast, maxRetries: 1 } } } }));
    const spy = spyDefaults();
    for (let i = 0; i < 5; i++) expect(r.targetsApp('b')).toBe(true);
    expect(r.targetsApp('c')).toBe(true);
    r.endpoint('b');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('targetsComponent resolves once per component, category and direction, and component() reuses it', () => {
    const r = load(doc('r', { policies: { retries: { DefaultComponentOutboundRetryPolicy: { ...fast, maxRetries: 1 } } } }));
    const spy = spyDefaults();
    for (let i = 0; i < 5; i++) expect(r.targetsComponent('s', 'state', 'outbound')).toBe(true);
    expect(r.component('s', 'state', 'outbound').noop).toBe(false);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(r.targetsComponent('s', 'state', 'inbound')).toBe(false);
    expect(r.targetsComponent('s', 'state', 'inbound')).toBe(false);
    expect(r.component('s', 'state', 'inbound')).toBe(NOOP_RUNNER);
    expect(spy).toHaveBeenCalledTimes(2);
  });
});

describe('component resolution', () => {
  const policies = {
    retries: {
      DefaultStatestoreComponentOutboundRetryPolicy: { ...fast, maxRetries: 1 },
      DefaultComponentOutboundRetryPolicy: { ...fast, maxRetries: 2 },
      DefaultComponentRetryPolicy: { ...fast, maxRetries: 3 },
      DefaultRetryPolicy: { ...fast, maxRetries: 4 },
      named: { ...fast, maxRetries: 5 },
    },
  };

  it('named > Default<Type>Component<Dir> > DefaultComponent<Dir> > DefaultComponent > Default', async () => {
    const r = load(doc('r', { policies, targets: { components: { orders: { outbound: { retry: 'named' } } } } }));
    expect(await callsWhenFailing(r.component('orders', 'pubsub', 'outbound'))).toBe(6);
    // orders is named: its inbound side has no policy (no defaults mixed in).
    expect(r.component('orders', 'pubsub', 'inbound')).toBe(NOOP_RUNNER);
    expect(r.targetsComponent('orders', 'pubsub', 'inbound')).toBe(false);
    expect(await callsWhenFailing(r.component('statestore', 'state', 'outbound'))).toBe(2);
    expect(await callsWhenFailing(r.component('mypubsub', 'pubsub', 'outbound'))).toBe(3);
    expect(await callsWhenFailing(r.component('mypubsub', 'pubsub', 'inbound'))).toBe(4);
    expect(r.targetsComponent('mypubsub', 'pubsub', 'inbound')).toBe(true);
    const noGeneric = load(doc('r', { policies: { retries: { DefaultComponentInboundRetryPolicy: { ...fast, maxRetries: 1 }, DefaultBindingComponentInboundRetryPolicy: { ...fast, maxRetries: 2 } } } }));
    expect(await callsWhenFailing(noGeneric.component('cron', 'bindings', 'inbound'))).toBe(3);
    expect(await callsWhenFailing(noGeneric.component('q', 'pubsub', 'inbound'))).toBe(2);
    expect(noGeneric.component('q', 'pubsub', 'outbound')).toBe(NOOP_RUNNER);
  });

  it('caches per component, category and direction', () => {
    const r = load(doc('r', { policies }));
    expect(r.component('a', 'state', 'outbound')).toBe(r.component('a', 'state', 'outbound'));
    expect(r.component('a', 'state', 'outbound')).not.toBe(r.component('a', 'state', 'inbound'));
  });
});

describe('circuit breakers', () => {
  const spec = {
    policies: { retries: { five: { duration: '1ms', maxRetries: 5 } }, circuitBreakers: { simpleCB: { trip: 'consecutiveFailures > 15', timeout: '30s' }, quickCB: { trip: 'consecutiveFailures > 0' } } },
    targets: { apps: { b: { retry: 'five', circuitBreaker: 'simpleCB' } }, components: { s: { outbound: { circuitBreaker: 'simpleCB' }, inbound: { circuitBreaker: 'simpleCB' } } } },
  };
  const failTimes = async (runner: ReturnType<Resiliency['endpoint']>, n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await runner.run(counting<string>(boom()).op).catch(() => undefined);
  };

  it('one breaker per app and method, shared by every call to it: 3 calls × 6 attempts → 16 op calls, then it is open', async () => {
    const r = load(doc('r', spec));
    const f = counting<string>(boom());
    for (let i = 0; i < 3; i++) await r.endpoint('b', 'orders').run(f.op).catch(() => undefined);
    expect(f.calls()).toBe(16);
    await expect(r.endpoint('b', 'orders').run(f.op)).rejects.toThrow('circuit breaker is open');
    expect(f.calls()).toBe(16);
    // Another method of the same app has its own breaker (daprd: keyed `<app>:<method>`).
    await expect(r.endpoint('b', 'status').run(counting('ok').op)).resolves.toBe('ok');
    expect(r.endpoint('b', 'orders')).toBe(r.endpoint('b', 'orders'));
    expect(r.endpoint('b', 'orders')).not.toBe(r.endpoint('b', 'status'));
  });

  it('without a breaker the method is ignored: one runner per app', () => {
    const r = load(doc('r', { policies: spec.policies, targets: { apps: { c: { retry: 'five' } } } }));
    expect(r.endpoint('c', 'a')).toBe(r.endpoint('c', 'b'));
    expect(r.endpoint('c', 'a')).toBe(r.endpoint('c'));
    const none = Resiliency.none();
    expect(none.endpoint('x', 'a')).toBe(none.endpoint('y', 'b'));
  });

  it("an app's breakers live in an LRU cache of circuitBreakerCacheSize methods: the least recently used is dropped", async () => {
    const r = load(doc('r', { policies: spec.policies, targets: { apps: { b: { circuitBreaker: 'quickCB', circuitBreakerCacheSize: 2 } } } }));
    await failTimes(r.endpoint('b', 'm1'), 1);
    await expect(r.endpoint('b', 'm1').run(counting('ok').op)).rejects.toThrow('circuit breaker is open');
    await r.endpoint('b', 'm2').run(counting('ok').op);
    await expect(r.endpoint('b', 'm1').run(counting('ok').op)).rejects.toThrow('circuit breaker is open'); // m1 used again: m2 is older
    await r.endpoint('b', 'm3').run(counting('ok').op); // m2 dropped
    await r.endpoint('b', 'm2').run(counting('ok').op); // m1 dropped
    // m1's breaker was dropped with its open state: a fresh one admits the call.
    await expect(r.endpoint('b', 'm1').run(counting('ok').op)).resolves.toBe('ok');
  });

  it('default breaker policies apply per app and method too, in a cache of 100 methods (daprd defaultEndpointCacheSize)', async () => {
    const r = load(doc('r', { policies: { circuitBreakers: { DefaultAppCircuitBreakerPolicy: { trip: 'consecutiveFailures > 0' } } } }));
    expect(DEFAULT_ENDPOINT_CACHE_SIZE).toBe(100);
    await failTimes(r.endpoint('any', 'm0'), 1);
    await expect(r.endpoint('any', 'm0').run(counting('ok').op)).rejects.toThrow('circuit breaker is open');
    await expect(r.endpoint('other', 'm0').run(counting('ok').op)).resolves.toBe('ok');
    for (let i = 1; i < 100; i++) r.endpoint('any', `m${i}`);
    await expect(r.endpoint('any', 'm0').run(counting('ok').op)).rejects.toThrow('circuit breaker is open');
    for (let i = 100; i < 200; i++) r.endpoint('any', `m${i}`);
    await expect(r.endpoint('any', 'm0').run(counting('ok').op)).resolves.toBe('ok');
  });

  it('one breaker per component name, shared by its inbound and outbound calls (daprd)', async () => {
    const r = load(doc('r', spec));
    const f = counting<string>(boom());
    for (let i = 0; i < 16; i++) await r.component('s', 'state', 'outbound').run(f.op).catch(() => undefined);
    await expect(r.component('s', 'state', 'outbound').run(f.op)).rejects.toThrow('circuit breaker is open');
    await expect(r.component('s', 'pubsub', 'inbound').run(f.op)).rejects.toThrow('circuit breaker is open');
    expect(f.calls()).toBe(16);
  });

  it("a component's shared breaker follows the policy of the direction that asked first", async () => {
    const targets = { components: { s: { inbound: { circuitBreaker: 'quickCB' }, outbound: { circuitBreaker: 'simpleCB' } } } };
    // Inbound first: quickCB (open after 1 failure) serves both directions.
    const r = load(doc('r', { policies: spec.policies, targets }));
    await failTimes(r.component('s', 'state', 'inbound'), 1);
    await expect(r.component('s', 'state', 'outbound').run(counting('ok').op)).rejects.toThrow('circuit breaker is open');
    // Outbound first: simpleCB (open after 16 failures) serves both: one inbound failure leaves it closed.
    const r2 = load(doc('r', { policies: spec.policies, targets }));
    expect(r2.component('s', 'state', 'outbound').noop).toBe(false);
    await failTimes(r2.component('s', 'state', 'inbound'), 1);
    await expect(r2.component('s', 'state', 'inbound').run(counting('ok').op)).resolves.toBe('ok');
  });

  it('logs state changes under daprd\'s breaker names: `<app>:<method>` and `<policy>-<component>`', async () => {
    const lines: string[] = [];
    const logger = { debug: () => undefined, info: (m: object | string) => lines.push(String(m)), warn: () => undefined, error: () => undefined };
    const r = Resiliency.fromResources([doc('r', { policies: spec.policies, targets: { apps: { b: { circuitBreaker: 'quickCB' } }, components: { s: { outbound: { circuitBreaker: 'quickCB' } } } } })], { appId: 'me', logger });
    await failTimes(r.endpoint('b', 'neworder'), 1);
    await failTimes(r.component('s', 'state', 'outbound'), 1);
    expect(lines.filter((l) => l.startsWith('Circuit breaker'))).toEqual(['Circuit breaker "b:neworder" changed state from closed to open', 'Circuit breaker "quickCB-s" changed state from closed to open']);
  });
});

describe('loading', () => {
  it('merges documents (a later name wins), lists names, and checks references across them', async () => {
    const r = load(doc('a', { policies: { retries: { p: { ...fast, maxRetries: 1 } } } }), doc('b', { policies: { retries: { p: { ...fast, maxRetries: 2 } } }, targets: { apps: { x: { retry: 'p' } } } }));
    expect(r.names()).toEqual(['a', 'b']);
    expect(await callsWhenFailing(r.endpoint('x'))).toBe(3);
    expect(() => load(doc('a', { targets: { apps: { x: { retry: 'missing' } } } }))).toThrow(ConfigError);
  });

  it('ignores other kinds', () => {
    const other: RawResource = { kind: 'Subscription', name: 's', file: 's.yaml', doc: {} };
    expect(Resiliency.fromResources([other], { appId: 'me' }).names()).toEqual([]);
  });
});

describe('metrics', () => {
  it('records loads, executions, activations and the breaker state with Dapr names and labels', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ app_id: 'me' });
    const metrics = createResiliencyMetrics(registry);
    const r = Resiliency.fromResources(
      [doc('myres', { policies: { retries: { two: { duration: '1ms', maxRetries: 2 } }, timeouts: { t: '1s' }, circuitBreakers: { cb: { trip: 'consecutiveFailures > 2' } } }, targets: { components: { statestore: { outbound: { retry: 'two', timeout: 't', circuitBreaker: 'cb' } } } } })],
      { appId: 'me', metrics },
    );
    const f = counting<string>(boom());
    await r.component('statestore', 'state', 'outbound').run(f.op).catch(() => undefined);
    await r.component('statestore', 'state', 'outbound').run(f.op).catch(() => undefined);
    const text = await registry.metrics();
    const labels = 'name="myres",namespace="",flow_direction="outbound",target="Statestore_statestore",policy="%P",status="%S",app_id="me"';
    const l = (p: string, s: string) => labels.replace('%P', p).replace('%S', s);
    expect(text).toContain('dapr_resiliency_loaded{name="myres",namespace="",app_id="me"} 1');
    expect(text).toContain(`dapr_resiliency_count{${l('retry', '')}} 2`);
    expect(text).toContain(`dapr_resiliency_count{${l('timeout', '')}} 2`);
    expect(text).toContain(`dapr_resiliency_count{${l('circuitbreaker', 'closed')}} 1`);
    expect(text).toContain(`dapr_resiliency_count{${l('circuitbreaker', 'open')}} 1`);
    // Once per run that retried (the second run met the open breaker and did not retry).
    expect(text).toContain(`dapr_resiliency_activations_total{${l('retry', '')}} 1`);
    expect(text).toContain(`dapr_resiliency_activations_total{${l('circuitbreaker', 'open')}} 1`);
    expect(text).toContain(`dapr_resiliency_cb_state{${l('circuitbreaker', 'open')}} 1`);
    expect(text).toContain(`dapr_resiliency_cb_state{${l('circuitbreaker', 'closed')}} 0`);
    expect(f.calls()).toBe(3);
  });
});

describe('logs', () => {
  it('warn once per run that retries (as daprd), and note the recovery', async () => {
    const lines: string[] = [];
    const logger = { debug: () => undefined, info: (m: object | string) => lines.push(`info ${String(m)}`), warn: (m: object | string) => lines.push(`warn ${String(m)}`), error: () => undefined };
    const r = Resiliency.fromResources([doc('r', { policies: { retries: { three: { duration: '1ms', maxRetries: 3 } } }, targets: { components: { statestore: { outbound: { retry: 'three' } } } } })], { appId: 'me', logger });
    const f = counting<string>(boom(), boom(), 'ok');
    await expect(r.component('statestore', 'state', 'outbound').run(f.op)).resolves.toBe('ok');
    expect(lines).toEqual([
      'info Loading Resiliency configuration: r',
      'warn Error processing operation component[statestore] output. Retrying in 1ms…',
      'info Recovered processing operation component[statestore] output after 3 attempts',
    ]);
  });
});
