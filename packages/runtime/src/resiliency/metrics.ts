/**
 * @module resiliency/metrics
 * Dapr's resiliency metrics (pkg/diagnostics/resiliency_monitoring.go), on the sidecar's prom-client
 * registry (which adds `app_id`):
 * - `dapr_resiliency_loaded` {name, namespace}: Resiliency resources loaded;
 * - `dapr_resiliency_count` {name, policy, namespace, flow_direction, target, status}: policies applied
 *   to a call (status = the breaker's state for `circuitbreaker`, else empty);
 * - `dapr_resiliency_activations_total` {same}: a retry happened, a timeout fired, a breaker changed state;
 * - `dapr_resiliency_cb_state` {same; status = each state}: 1 for the breaker's current state, 0 for the others.
 * Label children are resolved once per target and status, not per call.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { BreakerState } from './breaker';

export type PolicyKind = 'timeout' | 'retry' | 'circuitbreaker';
export type FlowDirection = 'inbound' | 'outbound';

/** The metrics of one target (an app, or a component in one direction). */
export interface TargetMetrics {
  executed(policy: PolicyKind, status?: string): void;
  activated(policy: PolicyKind, status?: string): void;
  breakerState(state: BreakerState): void;
}

export interface ResiliencyMetrics {
  loaded(name: string, namespace: string): void;
  target(resiliencyName: string, namespace: string, direction: FlowDirection, target: string): TargetMetrics;
}

const CB_STATES = ['closed', 'half-open', 'open', 'unknown'] as const;
const LABELS = ['name', 'policy', 'namespace', 'flow_direction', 'target', 'status'] as const;

/** Registers the four metrics on `registry` (call once per registry). */
export function createResiliencyMetrics(registry: Registry): ResiliencyMetrics {
  const loadedCount = new Counter({
    name: 'dapr_resiliency_loaded',
    help: 'Number of resiliency policies loaded.',
    labelNames: ['name', 'namespace'],
    registers: [registry],
  });
  const count = new Counter({
    name: 'dapr_resiliency_count',
    help: 'Number of times a resiliency policyKey has been applied to a building block.',
    labelNames: LABELS,
    registers: [registry],
  });
  const activations = new Counter({
    name: 'dapr_resiliency_activations_total',
    help: 'Number of times a resiliency policyKey has been activated in a building block after a failure or after a state change.',
    labelNames: LABELS,
    registers: [registry],
  });
  const cbState = new Gauge({
    name: 'dapr_resiliency_cb_state',
    help: "A resiliency policy's current CircuitBreakerState state. 0 is closed, 1 is half-open, 2 is open, and -1 is unknown.",
    labelNames: LABELS,
    registers: [registry],
  });
  return {
    loaded(name, namespace) {
      loadedCount.inc({ name, namespace });
    },
    target(name, namespace, direction, target) {
      const base = { name, namespace, flow_direction: direction, target };
      const counters = new Map<string, { inc(): void }>();
      const child = (metric: Counter, kind: string, policy: PolicyKind, status: string): { inc(): void } => {
        const key = `${kind} ${policy} ${status}`;
        let c = counters.get(key);
        if (!c) {
          c = metric.labels({ ...base, policy, status });
          counters.set(key, c);
        }
        return c;
      };
      const gauges = CB_STATES.map((s) => ({ state: s, gauge: cbState.labels({ ...base, policy: 'circuitbreaker', status: s }) }));
      const breakerState = (state: BreakerState): void => {
        for (const g of gauges) g.gauge.set(g.state === state ? 1 : 0);
      };
      return {
        executed(policy, status = '') {
          child(count, 'c', policy, status).inc();
          if (policy === 'circuitbreaker') breakerState(status as BreakerState);
        },
        activated(policy, status = '') {
          child(activations, 'a', policy, status).inc();
        },
        breakerState,
      };
    },
  };
}
