/**
 * @module server/collector-backend
 * The single switch between the dashboard server and the collector module. Until `src/collector`
 * is merged this points at a placeholder; at merge, change the import below to `'../collector'`
 * and delete collector-placeholder.ts (and its test).
 */
import * as collector from './collector-placeholder';
import type { CollectorBackend } from './span-store-types';

export const defaultCollectorBackend: CollectorBackend = {
  openSpanStore: (opts) => collector.openSpanStore(opts),
  defaultSpanStorePath: (home) => collector.defaultSpanStorePath(home),
  startCollector: (opts) => collector.startCollector(opts),
};
