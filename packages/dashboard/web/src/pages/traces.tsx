/**
 * @module pages/traces
 * Traces: filters (app/service, operation, status, minimum duration) kept in the URL
 * (#/traces?service=…), the matching traces newest first with a duration bar each, refreshed when
 * the `traces` live event says something new arrived.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { TraceFilter } from '../api/types';
import { EmptyState, ErrorBox, Loading, PageHeader } from '../components/common';
import { formatDurationUs, formatTimeUs, shortId } from '../lib/format';
import { useLive } from '../lib/live';
import { href } from '../lib/route';
import { useLoad } from '../lib/use-load';
import { serviceColour } from '../lib/waterfall';

function toFilter(q: Record<string, string>): TraceFilter {
  const min = Number(q.minDurationMs);
  return {
    service: q.service || undefined,
    operation: q.operation || undefined,
    status: q.status === 'ok' || q.status === 'error' ? q.status : undefined,
    minDurationMs: q.minDurationMs && Number.isFinite(min) && min > 0 ? min : undefined,
    limit: 50,
  };
}

export function TracesPage({ query }: { query: Record<string, string> }) {
  const filter = toFilter(query);
  const key = JSON.stringify(filter);
  const loaded = useLoad(() => api.traces(filter), [key]);
  const pushed = useLive('traces');
  const apps = useLive('apps');
  useEffect(() => {
    if (pushed) loaded.reload();
  }, [pushed]);

  const [service, setService] = useState(query.service ?? '');
  const [operation, setOperation] = useState(query.operation ?? '');
  const [status, setStatus] = useState(query.status ?? '');
  const [minDuration, setMinDuration] = useState(query.minDurationMs ?? '');
  useEffect(() => {
    setService(query.service ?? '');
    setOperation(query.operation ?? '');
    setStatus(query.status ?? '');
    setMinDuration(query.minDurationMs ?? '');
  }, [key]);

  const traces = loaded.data;
  const services = [...new Set([...(apps ?? []).map((a) => a.appId), ...(traces ?? []).flatMap((t) => t.services), ...(pushed ?? []).flatMap((t) => t.services), ...(query.service ? [query.service] : [])])].sort();
  const maxUs = Math.max(1, ...(traces ?? []).map((t) => t.durationUs));
  const filtered = Boolean(filter.service || filter.operation || filter.status || filter.minDurationMs);

  const apply = (e: Event) => {
    e.preventDefault();
    location.hash = href.traces({ service, operation, status, minDurationMs: minDuration });
  };

  return (
    <section aria-labelledby="page-title" data-testid="traces-page">
      <PageHeader title="Traces" />
      <form class="card filters" onSubmit={apply} aria-label="Trace filters" data-testid="trace-filters">
        <label class="field">
          <span>App / service</span>
          <select value={service} onChange={(e) => setService((e.currentTarget as HTMLSelectElement).value)} data-testid="filter-service">
            <option value="">Any</option>
            {services.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Operation</span>
          <input value={operation} placeholder="e.g. calllocal/order-processor/orders" onInput={(e) => setOperation((e.currentTarget as HTMLInputElement).value)} data-testid="filter-operation" />
        </label>
        <label class="field field-narrow">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)} data-testid="filter-status">
            <option value="">Any</option>
            <option value="ok">OK</option>
            <option value="error">Error</option>
          </select>
        </label>
        <label class="field field-narrow">
          <span>Min duration (ms)</span>
          <input type="number" min="0" step="any" inputMode="decimal" value={minDuration} onInput={(e) => setMinDuration((e.currentTarget as HTMLInputElement).value)} data-testid="filter-min-duration" />
        </label>
        <div class="filter-actions">
          <button type="submit" class="btn btn-primary" data-testid="filter-apply">
            Apply
          </button>
          {filtered && (
            <a class="btn" href={href.traces()} data-testid="filter-clear">
              Clear
            </a>
          )}
        </div>
      </form>
      {loaded.error && <ErrorBox error={loaded.error} onRetry={loaded.reload} />}
      {!traces && !loaded.error && <Loading what="traces" />}
      {traces && traces.length === 0 && (
        <EmptyState testId="traces-empty">
          {filtered ? 'No traces match these filters.' : 'No traces yet — call an app (the Explorer tab of an app will do) and its trace shows up here.'}
        </EmptyState>
      )}
      {traces && traces.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Traces table">
          <table class="table table-reflow traces" data-testid="traces-table">
            <thead>
              <tr>
                <th scope="col">Start</th>
                <th scope="col">Root</th>
                <th scope="col">Services</th>
                <th scope="col">Spans</th>
                <th scope="col" class="col-duration">
                  Duration
                </th>
              </tr>
            </thead>
            <tbody>
              {traces.map((t) => (
                <tr key={t.traceId} data-testid="trace-row" data-trace-id={t.traceId} class={t.errorCount ? 'row-error' : ''}>
                  <td data-label="Start" class="mono">
                    {formatTimeUs(t.start)}
                  </td>
                  <th scope="row" data-label="Root">
                    <a href={href.trace(t.traceId)} data-testid="trace-link">
                      <span class="svc" style={{ color: serviceColour(t.rootService) }}>
                        {t.rootService}
                      </span>{' '}
                      {t.rootName}
                    </a>
                    <span class="muted mono small"> {shortId(t.traceId)}</span>
                    {t.errorCount > 0 && (
                      <span class="badge badge-unhealthy" data-testid="trace-errors">
                        {t.errorCount} error{t.errorCount === 1 ? '' : 's'}
                      </span>
                    )}
                  </th>
                  <td data-label="Services">{t.services.join(', ')}</td>
                  <td data-label="Spans">{t.spanCount}</td>
                  <td data-label="Duration" class="col-duration">
                    <div class="dur">
                      <span class="dur-bar" style={{ width: `${Math.max(2, (t.durationUs / maxUs) * 100)}%` }} aria-hidden="true" />
                      <span class="dur-text">{formatDurationUs(t.durationUs)}</span>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
