/**
 * @module resiliency
 * Resiliency policies (timeouts, retries, circuit breakers) for service invocation and component
 * calls: what call sites import.
 */
export { NOOP_RUNNER, type AttemptStatus, type PolicyRunner, type RunOptions } from './runner';
export { Resiliency, BUILT_IN_SERVICE_RETRIES, type ComponentDirection, type ResiliencyOptions } from './resiliency';
export { BreakerOpenError, ResiliencyError, ResiliencyTimeoutError, isResiliencyError } from './errors';
export { createResiliencyMetrics, type ResiliencyMetrics } from './metrics';
