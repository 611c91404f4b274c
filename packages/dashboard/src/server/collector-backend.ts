/**
 * @module server/collector-backend
 * The single place where the dashboard server reaches the collector module (src/collector); tests
 * inject another backend through DashboardOptions.collectorBackend.
 */
import * as collector from '../collector';
import type { CollectorBackend } from './span-store-types';

export const defaultCollectorBackend: CollectorBackend = {
  openSpanStore: (opts) => collector.openSpanStore(opts),
  defaultSpanStorePath: (home) => collector.defaultSpanStorePath(home),
  startCollector: (opts) => collector.startCollector(opts),
};
