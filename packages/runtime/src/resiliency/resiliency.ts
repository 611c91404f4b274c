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
 * defaults. Runners are cached per target. Breakers are scoped as in daprd: an app keeps one per
 * method (`<app>:<method>`) in an LRU cache of `circuitBreakerCacheSize` entries (default 100), and a
 * component one per name, shared by its inbound and outbound calls (the first policy met creates it).
 */
import type { Category, Logger } from '../components/types';
import type { RawResource } from '../components/loader';
import type { RetrySpec } from './backoff';
import { CircuitBreaker, type BreakerSpec } from './breaker';
import { Lru } from './lru';
import type { ResiliencyMetrics, TargetMetrics } from './metrics';
import { BUILT_IN_SERVICE_RETRIES, BUILT_IN_SERVICE_RETRY, builtInFilter, builtInOverride, nest } from './builtin';
import { createRunner, NOOP_RUNNER, type PolicyRunner } from './runner';
import { formatDuration } from './duration';
import { checkReferences, parseResiliency, type ResiliencySpec, type TargetPolicies } from './spec';

export type ComponentDirection = 'inbound' | 'outbound';
export { BUILT_IN_SERVICE_RETRIES };

/** daprd's defaultEndpointCacheSize: the methods of one app that keep their own breaker. */
export const DEFAULT_ENDPOINT_CACHE_SIZE = 100;

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
  /** Component breakers by component name (both directions). */
  private readonly componentBreakers = new Map<string, CircuitBreaker>();
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

  /**
   * Caller side of service invocation to `appId`; `method` (the invoked method, or a gRPC proxy's
   * full method name) picks the method's own breaker when a breaker applies, and is not looked at
   * otherwise.
   */
  endpoint(appId: string, method = ''): PolicyRunner {
    const e = this.app(appId);
    if (e.perMethod === undefined) return e.runner;
    const { cache, make } = e.perMethod;
    let r = cache.get(method);
    if (r === undefined) {
      r = make(method);
      cache.set(method, r);
    }
    return r;
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
    const named = this.apps.get(appId);
    const d = this.appDefaults();
    if (!named && !d.found) return { targeted: false, runner: this.builtInRunner() };
    const { names, from } = named ? { names: named.value, from: named.from } : d;
    const target = `app_${appId}`;
    const metrics = this.targetMetrics(from, 'outbound', target);
    // daprd: default policies do not count as "a policy defined for the app", so its built-in
    // retries still run inside each attempt of the default policy.
    const wrap = (outer: PolicyRunner): PolicyRunner => (named ? outer : nest(outer, this.builtInRunner()));
    const cbSpec = this.policy(this.breakers, names.circuitBreaker);
    if (cbSpec === undefined) return { targeted: true, runner: wrap(this.build(names, { direction: 'outbound', target, operation: `endpoint[${appId}]`, metrics })) };
    // daprd: a breaker per app and method, the app's cache sized by its target (defaults: 100).
    const cache = new Lru<string, PolicyRunner>(named?.value.circuitBreakerCacheSize ?? DEFAULT_ENDPOINT_CACHE_SIZE);
    const make = (method: string): PolicyRunner => {
      const endpoint = `${appId}:${method}`;
      const breaker = this.newBreaker(cbSpec, endpoint, metrics);
      return wrap(this.build(names, { direction: 'outbound', target, operation: `endpoint[${appId}, ${endpoint}]`, metrics, breaker }));
    };
    return { targeted: true, runner: undefined, perMethod: { cache, make } };
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
    const metrics = this.targetMetrics(policies.from, direction, target);
    const cbSpec = this.policy(this.breakers, policies.names.circuitBreaker);
    const breaker = cbSpec ? this.componentBreaker(name, cbSpec, metrics) : undefined;
    return this.build(policies.names, { direction, target, operation: `component[${name}] ${direction === 'inbound' ? 'input' : 'output'}`, metrics, breaker });
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

  private policy<T>(map: Map<string, Named<T>>, name: string | undefined): T | undefined {
    return name === undefined ? undefined : map.get(name)?.value;
  }

  private targetMetrics(from: ResiliencySpec | undefined, direction: ComponentDirection, target: string): TargetMetrics | undefined {
    return this.opts.metrics?.target(from?.name ?? '', from?.namespace ?? '', direction, target);
  }

  /** A runner for these policy names (the breaker, if any, given); `operation` names it in logs. */
  private build(names: TargetPolicies, at: { direction: ComponentDirection; target: string; operation: string; metrics?: TargetMetrics; breaker?: CircuitBreaker }): PolicyRunner {
    const { operation, metrics, breaker } = at;
    const timeoutMs = this.policy(this.timeouts, names.timeout);
    const retry = this.policy(this.retries, names.retry);
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

  /** A breaker named as daprd logs it (`<app>:<method>`, `<policy>-<component>`). */
  private newBreaker(spec: BreakerSpec, name: string, metrics: TargetMetrics | undefined): CircuitBreaker {
    const log = this.opts.logger;
    return new CircuitBreaker(spec, {
      now: this.opts.now,
      onStateChange(from, to) {
        log?.info(`Circuit breaker "${name}" changed state from ${from} to ${to}`);
        metrics?.activated('circuitbreaker', to);
        metrics?.breakerState(to);
      },
    });
  }

  /**
   * daprd: one breaker per component name for both directions, made from the policy of whichever
   * direction asks first (its metrics report the state changes).
   */
  private componentBreaker(name: string, spec: BreakerSpec, metrics: TargetMetrics | undefined): CircuitBreaker {
    let cb = this.componentBreakers.get(name);
    if (cb === undefined) {
      cb = this.newBreaker(spec, `${spec.name}-${name}`, metrics);
      this.componentBreakers.set(name, cb);
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

/** An app's policies: one runner for every method, or (with a breaker) one per method. */
type AppEntry =
  | { readonly targeted: boolean; readonly runner: PolicyRunner; readonly perMethod?: undefined }
  | { readonly targeted: true; readonly runner: undefined; readonly perMethod: { cache: Lru<string, PolicyRunner>; make(method: string): PolicyRunner } };

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

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (reason && typeof reason === 'object') return JSON.stringify(reason);
  return String(reason);
}
