/** Resiliency: target resolution with Dapr's defaults, built-in retries, shared breakers, caching, metrics. */
import { Registry } from 'prom-client';
import { counting } from '../../test/support/resiliency';
import type { RawResource } from '../components/loader';
import { ConfigError } from '../errors/startup';
import { createResiliencyMetrics } from './metrics';
import { Resiliency } from './resiliency';
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
    policies: { retries: { five: { duration: '1ms', maxRetries: 5 } }, circuitBreakers: { simpleCB: { trip: 'consecutiveFailures > 15', timeout: '30s' } } },
    targets: { apps: { b: { retry: 'five', circuitBreaker: 'simpleCB' } }, components: { s: { outbound: { circuitBreaker: 'simpleCB' }, inbound: { circuitBreaker: 'simpleCB' } } } },
  };

  it('one breaker per app shared by every call: 3 calls × 6 attempts → 16 op calls, then it is open', async () => {
    const r = load(doc('r', spec));
    const f = counting<string>(boom());
    for (let i = 0; i < 3; i++) await r.endpoint('b').run(f.op).catch(() => undefined);
    expect(f.calls()).toBe(16);
    await expect(r.endpoint('b').run(f.op)).rejects.toThrow('circuit breaker is open');
    expect(f.calls()).toBe(16);
  });

  it('one breaker per component and direction', async () => {
    const r = load(doc('r', spec));
    const f = counting<string>(boom());
    for (let i = 0; i < 16; i++) await r.component('s', 'state', 'outbound').run(f.op).catch(() => undefined);
    await expect(r.component('s', 'state', 'outbound').run(f.op)).rejects.toThrow('circuit breaker is open');
    await expect(r.component('s', 'state', 'inbound').run(f.op)).rejects.toThrow('boom');
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
