/**
 * @module resiliency/resiliency
 * The loaded Resiliency resources of this app, merged as daprd merges them (one set of policies and
 * targets; a later document's name wins), and the runner for each call target:
 * - apps (service invocation, caller side): the named target, else the most specific defaults
 *   (`DefaultApp<Kind>Policy`, then `Default<Kind>Policy`), else the built-in
 *   `DaprBuiltInServiceRetries` (3 retries 1 s apart, transport failures only);
 * - components: the named target's direction, else for each kind `Default<Type>Component<Dir><Kind>Policy`,
 *   `DefaultComponent<Dir><Kind>Policy`, `DefaultComponent<Kind>Policy`, `Default<Kind>Policy`.
 * Each kind (timeout, retry, circuit breaker) falls back on its own; a named target never mixes in
 * defaults. Runners are cached per target and breakers shared by every call to the target.
 */
import type { Category, Logger } from '../components/types';
import type { RawResource } from '../components/loader';
import type { RetrySpec } from './backoff';
import { CircuitBreaker, type BreakerSpec } from './breaker';
import type { ResiliencyMetrics, TargetMetrics } from './metrics';
import { createRunner, NOOP_RUNNER, type PolicyRunner, type RetryFilter, type RunOptions } from './runner';
import { formatDuration } from './duration';
import { checkReferences, parseResiliency, type ResiliencySpec, type TargetPolicies } from './spec';

export type ComponentDirection = 'inbound' | 'outbound';

export const BUILT_IN_SERVICE_RETRIES = 'DaprBuiltInServiceRetries';
/** daprd's built-in service invocation retries: constant, 1 s apart, 3 times. */
const BUILT_IN_SERVICE_RETRY: RetrySpec = Object.freeze({
  name: BUILT_IN_SERVICE_RETRIES,
  policy: 'constant',
  durationMs: 1000,
  initialIntervalMs: 500,
  randomizationFactor: 0.5,
  multiplier: 1.5,
  maxIntervalMs: 60_000,
  maxElapsedTimeMs: 15 * 60_000,
  maxRetries: 3,
});
/** gRPC UNAVAILABLE and UNAUTHENTICATED: the only failures the built-in retries retry. */
const BUILT_IN_CODES = new Set([14, 16]);
const builtInFilter: RetryFilter = (status, isResult) => !isResult && status?.permanent !== true && status?.grpcCode !== undefined && BUILT_IN_CODES.has(status.grpcCode);

/** The infix of default policy names per component category (daprd's ComponentType). */
const COMPONENT_TYPES: Readonly<Record<string, string>> = {
  state: 'Statestore',
  pubsub: 'Pubsub',
  bindings: 'Binding',
  secretstores: 'Secretstore',
  configuration: 'Configuration',
  lock: 'Lock',
  crypto: 'Crypto',
  conversation: 'Conversation',
};

interface Named<T> {
  value: T;
  /** The Resiliency resource that defined it (metric label). */
  from: ResiliencySpec;
}

export interface ResiliencyOptions {
  appId: string;
  namespace?: string;
  metrics?: ResiliencyMetrics;
  logger?: Logger;
  /** For tests: the breakers' and backoffs' clock. */
  now?: () => number;
}

export class Resiliency {
  private readonly timeouts = new Map<string, Named<number>>();
  private readonly retries = new Map<string, Named<RetrySpec>>();
  private readonly breakers = new Map<string, Named<BreakerSpec>>();
  private readonly apps = new Map<string, Named<TargetPolicies>>();
  private readonly components = new Map<string, Named<{ inbound: TargetPolicies; outbound: TargetPolicies }>>();
  /** What applies to each app called so far (runner and whether a user policy targets it). */
  private readonly appEntries = new Map<string, AppEntry>();
  /** The same per component: by name, then direction and category (no key string built per call). */
  private readonly componentEntries = new Map<string, Record<ComponentDirection, Map<string, ComponentEntry>>>();
  private readonly instances = new Map<string, CircuitBreaker>();
  private builtIn?: PolicyRunner;
  private appDefaultsOnce?: Defaults;

  private constructor(
    private readonly specs: readonly ResiliencySpec[],
    private readonly opts: ResiliencyOptions,
  ) {
    for (const s of specs) {
      for (const [k, v] of s.timeouts) this.timeouts.set(k, { value: v, from: s });
      for (const [k, v] of s.retries) this.retries.set(k, { value: builtInOverride(k, v, opts.logger), from: s });
      for (const [k, v] of s.circuitBreakers) this.breakers.set(k, { value: v, from: s });
      for (const [k, v] of s.apps) this.apps.set(k, { value: v, from: s });
      for (const [k, v] of s.components) this.components.set(k, { value: v, from: s });
    }
  }

  /** Nothing loaded: every runner is NOOP_RUNNER except the built-in service retries. */
  static none(opts: ResiliencyOptions = { appId: '' }): Resiliency {
    return new Resiliency([], opts);
  }

  /** Validates every Resiliency among `others` (already scoped by the loader); throws ConfigError on a bad one. */
  static fromResources(others: readonly RawResource[], opts: ResiliencyOptions): Resiliency {
    const specs = others.filter((r) => r.kind === 'Resiliency').map((r) => parseResiliency(r));
    return Resiliency.fromSpecs(specs, opts);
  }

  /** From validated specs (cross-document references checked here). */
  static fromSpecs(specs: readonly ResiliencySpec[], opts: ResiliencyOptions): Resiliency {
    checkReferences(specs);
    for (const s of specs) {
      opts.logger?.info(`Loading Resiliency configuration: ${s.name}`);
      opts.metrics?.loaded(s.name, s.namespace ?? '');
    }
    return new Resiliency(specs, opts);
  }

  /** Names of the loaded Resiliency resources (the metadata API's `resiliencies`). */
  names(): string[] {
    return this.specs.map((s) => s.name);
  }

  /** Caller side of service invocation to `appId`. */
  endpoint(appId: string): PolicyRunner {
    return this.app(appId).runner;
  }

  /** A component call; category = the component's category ('state' | 'pubsub' | 'bindings' | 'secretstores' | …). */
  component(name: string, category: Category, direction: ComponentDirection): PolicyRunner {
    const e = this.componentEntry(name, category, direction);
    e.runner ??= this.makeComponent(name, category, direction, e.policies);
    return e.runner;
  }

  /** True when a user policy (named or default) applies to calls to this app. */
  targetsApp(appId: string): boolean {
    return this.app(appId).targeted;
  }

  /** True when a user policy (named or default) applies to this component in this direction. */
  targetsComponent(name: string, category: Category, direction: ComponentDirection): boolean {
    return this.componentEntry(name, category, direction).policies !== undefined;
  }

  private app(appId: string): AppEntry {
    let e = this.appEntries.get(appId);
    if (e === undefined) {
      e = this.makeApp(appId);
      this.appEntries.set(appId, e);
    }
    return e;
  }

  private makeApp(appId: string): AppEntry {
    const target = `app_${appId}`;
    const named = this.apps.get(appId);
    const at = { direction: 'outbound' as const, target, operation: `endpoint[${appId}]`, cbKey: `app:${appId}` };
    if (named) return { targeted: true, runner: this.build(named.value, named.from, at) };
    const d = this.appDefaults();
    if (!d.found) return { targeted: false, runner: this.builtInRunner() };
    const outer = this.build(d.names, d.from, at);
    // daprd: default policies do not count as "a policy defined for the app", so its built-in
    // retries still run inside each attempt of the default policy.
    return { targeted: true, runner: nest(outer, this.builtInRunner()) };
  }

  private componentEntry(name: string, category: Category, direction: ComponentDirection): ComponentEntry {
    let byName = this.componentEntries.get(name);
    if (byName === undefined) {
      byName = { inbound: new Map(), outbound: new Map() };
      this.componentEntries.set(name, byName);
    }
    const byCategory = byName[direction];
    let e = byCategory.get(category);
    if (e === undefined) {
      e = { policies: this.componentPolicies(name, category, direction) };
      byCategory.set(category, e);
    }
    return e;
  }

  /** The user policies that apply to a component in one direction (undefined = none). */
  private componentPolicies(name: string, category: Category, direction: ComponentDirection): ComponentEntry['policies'] {
    const named = this.components.get(name);
    if (named) return hasAny(named.value[direction]) ? { names: named.value[direction], from: named.from } : undefined;
    const d = this.componentDefaults(category, direction);
    return d.found ? { names: d.names, from: d.from } : undefined;
  }

  private makeComponent(name: string, category: Category, direction: ComponentDirection, policies: ComponentEntry['policies']): PolicyRunner {
    if (policies === undefined) return NOOP_RUNNER;
    const target = `${COMPONENT_TYPES[category] ?? category}_${name}`;
    // One breaker per component and direction (daprd shares one across directions; see README).
    const at = { direction, target, operation: `component[${name}] ${direction === 'inbound' ? 'input' : 'output'}`, cbKey: `component:${name}:${direction}` };
    return this.build(policies.names, policies.from, at);
  }

  private appDefaults(): Defaults {
    this.appDefaultsOnce ??= this.defaults(['App']);
    return this.appDefaultsOnce;
  }

  private componentDefaults(category: Category, direction: ComponentDirection): Defaults {
    const dir = direction === 'inbound' ? 'Inbound' : 'Outbound';
    return this.defaults([`${COMPONENT_TYPES[category] ?? category}Component${dir}`, `Component${dir}`, 'Component']);
  }

  /** For each kind on its own: the first `Default<level><Kind>Policy` that exists, then `Default<Kind>Policy`. */
  private defaults(levels: readonly string[]): Defaults {
    const pick = (maps: Map<string, Named<unknown>>, kind: string): string | undefined => {
      for (const level of [...levels, '']) {
        const n = `Default${level}${kind}Policy`;
        if (maps.has(n)) return n;
      }
      return undefined;
    };
    const names: TargetPolicies = {
      timeout: pick(this.timeouts, 'Timeout'),
      retry: pick(this.retries, 'Retry'),
      circuitBreaker: pick(this.breakers, 'CircuitBreaker'),
    };
    const first = names.retry ?? names.timeout ?? names.circuitBreaker;
    const from = names.retry ? this.retries.get(names.retry)?.from : names.timeout ? this.timeouts.get(names.timeout)?.from : names.circuitBreaker ? this.breakers.get(names.circuitBreaker)?.from : undefined;
    return { names, found: first !== undefined, from };
  }

  /** A runner for these policy names; `target` and `operation` name it in metrics and logs. */
  private build(names: TargetPolicies, from: ResiliencySpec | undefined, at: { direction: ComponentDirection; target: string; operation: string; cbKey: string }): PolicyRunner {
    const { direction, target, operation, cbKey } = at;
    const timeoutMs = names.timeout !== undefined ? this.timeouts.get(names.timeout)?.value : undefined;
    const retry = names.retry !== undefined ? this.retries.get(names.retry)?.value : undefined;
    const cbSpec = names.circuitBreaker !== undefined ? this.breakers.get(names.circuitBreaker)?.value : undefined;
    const metrics = this.opts.metrics?.target(from?.name ?? '', from?.namespace ?? '', direction, target);
    const breaker = cbSpec ? this.breakerFor(cbKey, cbSpec, metrics) : undefined;
    const log = this.opts.logger;
    const hasTimeout = timeoutMs !== undefined && timeoutMs > 0;
    return createRunner({
      timeoutMs: hasTimeout ? timeoutMs : undefined,
      retry,
      breaker,
      clock: this.opts.now,
      hooks: {
        started: metrics
          ? () => {
              if (hasTimeout) metrics.executed('timeout');
              if (retry) metrics.executed('retry');
              if (breaker) metrics.executed('circuitbreaker', breaker.state);
            }
          : undefined,
        activated: metrics ? (policy) => metrics.activated(policy) : undefined,
        retrying: log
          ? (delay, reason) => {
              log.warn(`Error processing operation ${operation}. Retrying in ${formatDuration(delay)}…`);
              log.debug(`Error for operation ${operation} was: ${reasonText(reason)}`);
            }
          : undefined,
        recovered: log ? (attempts) => log.info(`Recovered processing operation ${operation} after ${attempts} attempts`) : undefined,
      },
    });
  }

  private breakerFor(key: string, spec: BreakerSpec, metrics: TargetMetrics | undefined): CircuitBreaker {
    let cb = this.instances.get(key);
    if (cb === undefined) {
      const log = this.opts.logger;
      cb = new CircuitBreaker(spec, {
        now: this.opts.now,
        onStateChange(from, to) {
          log?.info(`Circuit breaker "${spec.name}-${key}" changed state from ${from} to ${to}`);
          metrics?.activated('circuitbreaker', to);
          metrics?.breakerState(to);
        },
      });
      this.instances.set(key, cb);
    }
    return cb;
  }

  private builtInRunner(): PolicyRunner {
    this.builtIn ??= createRunner({
      retry: this.retries.get(BUILT_IN_SERVICE_RETRIES)?.value ?? BUILT_IN_SERVICE_RETRY,
      retryFilter: builtInFilter,
      clock: this.opts.now,
    });
    return this.builtIn;
  }
}

interface AppEntry {
  /** A user policy (named or default) applies. */
  readonly targeted: boolean;
  readonly runner: PolicyRunner;
}

interface ComponentEntry {
  /** The user policies that apply (undefined = none: NOOP_RUNNER). */
  readonly policies?: { names: TargetPolicies; from?: ResiliencySpec };
  /** Built on the first call. */
  runner?: PolicyRunner;
}

interface Defaults {
  names: TargetPolicies;
  found: boolean;
  from?: ResiliencySpec;
}

function hasAny(t: TargetPolicies): boolean {
  return t.timeout !== undefined || t.retry !== undefined || t.circuitBreaker !== undefined;
}

/** daprd raises an override of a built-in retry policy to at least 3 retries (-1 included). */
function builtInOverride(name: string, spec: RetrySpec, logger: Logger | undefined): RetrySpec {
  if (!name.startsWith('DaprBuiltIn') || spec.maxRetries >= 3) return spec;
  logger?.warn(`Attempted override of ${name} did not meet minimum retry count, resetting to 3.`);
  return { ...spec, maxRetries: 3 };
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (reason && typeof reason === 'object') return JSON.stringify(reason);
  return String(reason);
}

/** Runs `inner` (the built-in retries) inside each attempt of `outer`. */
function nest(outer: PolicyRunner, inner: PolicyRunner): PolicyRunner {
  return {
    noop: false,
    retries: true,
    timeoutMs: outer.timeoutMs,
    run<T>(op: (signal: AbortSignal, attempt: number) => Promise<T>, opts: RunOptions<T> = {}): Promise<T> {
      return outer.run((signal) => inner.run(op, { signal, errorStatus: opts.errorStatus, dispose: opts.dispose }), opts);
    },
  };
}
