/**
 * @module pages/metrics
 * Metrics: per app, request rate, p50/p95 latency and error rate over the last five minutes, from
 * the sidecars' Prometheus endpoints (scraped by the server); replaced by each `metrics` live event.
 */
import { api } from '../api/client';
import { EmptyState, ErrorBox, Loading, PageHeader } from '../components/common';
import { LineChart } from '../components/line-chart';
import { formatMs, formatNumber, formatPercent } from '../lib/format';
import { href } from '../lib/route';
import { useLiveLoad } from '../lib/use-live-load';

export function MetricsPage() {
  const loaded = useLiveLoad('metrics', () => api.metrics());
  const metrics = loaded.data;
  return (
    <section aria-labelledby="page-title" data-testid="metrics-page">
      <PageHeader title="Metrics">
        <span class="muted small">last 5 minutes, from each sidecar's metrics port</span>
      </PageHeader>
      {loaded.error && <ErrorBox error={loaded.error} onRetry={loaded.reload} />}
      {!metrics && !loaded.error && <Loading what="metrics" />}
      {metrics && metrics.apps.length === 0 && (
        <EmptyState testId="metrics-empty">
          No apps running — start one with <code>minidapr run</code>.
        </EmptyState>
      )}
      {metrics &&
        [...metrics.apps]
          .sort((a, b) => a.appId.localeCompare(b.appId))
          .map((a) => {
            const pts = a.points;
            return (
              <section key={a.appId} class="card metrics-app" aria-labelledby={`m-${a.appId}`} data-testid="metrics-app" data-app-id={a.appId}>
                <h2 id={`m-${a.appId}`}>
                  <a href={href.app(a.appId)}>{a.appId}</a>
                </h2>
                {a.error && (
                  <p class="notice" role="alert" data-testid="metrics-error">
                    {a.error}
                  </p>
                )}
                {pts.length === 0 && !a.error ? (
                  <p class="muted">No samples yet.</p>
                ) : (
                  <div class="charts">
                    <LineChart title="Requests / s" testId="chart-rps" points={pts.map((p) => ({ t: p.t, v: p.rps }))} format={(v) => formatNumber(v, 2)} colour="#2f6fdf" floorMax={1} />
                    <LineChart title="Latency p50" testId="chart-p50" points={pts.map((p) => ({ t: p.t, v: p.p50Ms }))} format={formatMs} colour="#15803d" floorMax={1} />
                    <LineChart title="Latency p95" testId="chart-p95" points={pts.map((p) => ({ t: p.t, v: p.p95Ms }))} format={formatMs} colour="#b45309" floorMax={1} />
                    <LineChart title="Error rate" testId="chart-errors" points={pts.map((p) => ({ t: p.t, v: p.errorRate }))} format={formatPercent} colour="#c2410c" floorMax={0.01} />
                  </div>
                )}
              </section>
            );
          })}
    </section>
  );
}
