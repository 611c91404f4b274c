/**
 * @module metrics/metrics
 * Prometheus metrics (prom-client) on --metrics-port, served on every path like daprd, with Dapr's
 * metric names. One registry per runtime so in-process tests stay independent.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface HttpMetrics {
  readonly registry: Registry;
  observe(method: string, status: number, seconds: number): void;
}

export function createHttpMetrics(appId: string, withProcessMetrics: boolean): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app_id: appId });
  if (withProcessMetrics) collectDefaultMetrics({ register: registry });
  const count = new Counter({
    name: 'dapr_http_server_request_count',
    help: 'Number of HTTP requests started in the server',
    labelNames: ['method', 'path', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'dapr_http_server_latency',
    help: 'HTTP request end-to-end latency in the server, in milliseconds',
    labelNames: ['method', 'path', 'status'],
    buckets: [1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50, 65, 80, 100, 130, 160, 200, 250, 300, 400, 500, 650, 800, 1000, 2000, 5000],
    registers: [registry],
  });
  // Label children are looked up once per (method, status), not on every request.
  const children = new Map<string, { count: ReturnType<typeof count.labels>; latency: ReturnType<typeof latency.labels> }>();
  return {
    registry,
    observe(method, status, seconds) {
      const key = `${method} ${status}`;
      let child = children.get(key);
      if (!child) {
        const labels = { method, path: '', status: String(status) };
        child = { count: count.labels(labels), latency: latency.labels(labels) };
        children.set(key, child);
      }
      child.count.inc();
      child.latency.observe(seconds * 1000);
    },
  };
}
