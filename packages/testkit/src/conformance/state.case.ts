/// <reference types="jest" />
/**
 * @module conformance/state
 * The state store conformance suite (components-contrib tests/conformance/state, targets.md 4.1),
 * replayed through the sidecar's HTTP state API. A conformance file starts one sidecar with the
 * store's component and calls runStateConformance with the features the store claims; cases for
 * unclaimed features are registered as skipped with the reason in their name. The cases live in
 * one file per concept (state-*.case.ts); what they share is in state-suite.
 */
import { registerCrudCases } from './state-crud.case';
import { registerEtagCases } from './state-etag.case';
import { registerQueryCases } from './state-query.case';
import { createStateSuiteContext, type StateConformanceOptions } from './state-suite';
import { registerTransactionCases } from './state-transaction.case';
import { registerTtlCases } from './state-ttl.case';

export { STATE_CONFORMANCE_FEATURES, type StateConformanceOptions } from './state-suite';

export function runStateConformance(o: StateConformanceOptions): void {
  const ctx = createStateSuiteContext(o);

  describe(`state conformance: ${o.storeName} [${[...o.features].sort().join(', ') || 'no optional features'}]`, () => {
    afterAll(async () => {
      // Leave nothing behind in shared backends (Redis, PostgreSQL); a dead sidecar is not an error here.
      if (o.skipAll) return;
      await Promise.allSettled([...ctx.written].map((k) => ctx.del(k)));
    });

    registerCrudCases(ctx);
    registerTransactionCases(ctx);
    registerEtagCases(ctx);
    registerTtlCases(ctx);
    registerQueryCases(ctx);
  });
}
