/**
 * @module pages/trace
 * One trace as a waterfall: spans nested by parentId on a shared time axis, coloured by service;
 * selecting a span (click, or Enter/Space on its row button) shows its tags, annotations and errors.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { ZipkinSpan } from '../api/types';
import { EmptyState, ErrorBox, KeyValues, Loading, PageHeader } from '../components/common';
import { formatDurationUs, formatTimeUs } from '../lib/format';
import { useLive } from '../lib/live';
import { href } from '../lib/route';
import { useLoad } from '../lib/use-load';
import { axisTicks, buildWaterfall, serviceColour, type WaterfallRow } from '../lib/waterfall';

const RETRY_MS = 2000;
const MAX_RETRIES = 10;

export function TracePage({ traceId }: { traceId: string }) {
  const loaded = useLoad(() => api.trace(traceId), [traceId]);
  const [selected, setSelected] = useState<number | undefined>(undefined);
  // Spans arrive in batches: a trace opened right after its request (the explorer's "View trace")
  // may be missing or partial. Retry a 404 for a while, and reload when the live trace list shows
  // more spans for this trace than are on screen.
  const [tries, setTries] = useState(0);
  const missing = loaded.error?.startsWith('404') ?? false;
  useEffect(() => {
    if (!missing || tries >= MAX_RETRIES) return;
    const t = setTimeout(() => {
      setTries((n) => n + 1);
      loaded.reload();
    }, RETRY_MS);
    return () => clearTimeout(t);
  }, [missing, tries]);
  const pushed = useLive('traces');
  useEffect(() => {
    const summary = pushed?.find((t) => t.traceId === traceId.toLowerCase());
    if (summary && summary.spanCount !== (loaded.data?.spans.length ?? 0)) loaded.reload();
  }, [pushed]);
  const spans = loaded.data?.spans ?? [];
  const w = buildWaterfall(spans);
  const total = Math.max(w.durationUs, 1);
  const ticks = axisTicks(total);
  const sel = w.rows.find((r) => r.index === selected);
  const errors = w.rows.filter((r) => r.error).length;
  return (
    <section aria-labelledby="page-title" data-testid="trace-page" data-trace-id={traceId}>
      <p class="breadcrumb">
        <a href={href.traces()}>Traces</a> <span aria-hidden="true">/</span>
      </p>
      <PageHeader title={`Trace ${traceId.slice(0, 16)}`} />
      {loaded.error && (
        <ErrorBox
          error={
            missing
              ? `No trace ${traceId} in the collector${tries < MAX_RETRIES ? ' yet: spans are exported in batches, retrying…' : '.'}`
              : loaded.error
          }
          onRetry={loaded.reload}
        />
      )}
      {loaded.loading && !loaded.data && <Loading what="trace" />}
      {loaded.data && spans.length === 0 && <EmptyState>This trace has no spans.</EmptyState>}
      {loaded.data && spans.length > 0 && (
        <>
          <div class="trace-summary card" data-testid="trace-summary">
            <span>
              <strong>{formatDurationUs(w.durationUs)}</strong> total
            </span>
            <span>
              <strong data-testid="span-count">{spans.length}</strong> spans
            </span>
            <span>started {formatTimeUs(w.startUs)}</span>
            {errors > 0 && <span class="badge badge-unhealthy">{errors} with errors</span>}
            <ul class="legend" aria-label="Services">
              {w.services.map((s) => (
                <li key={s} data-testid="trace-service">
                  <span class="swatch" style={{ background: serviceColour(s) }} aria-hidden="true" />
                  {s}
                </li>
              ))}
            </ul>
            <button type="button" class="btn btn-small" onClick={loaded.reload} data-testid="refresh">
              Reload
            </button>
          </div>
          <div class="waterfall" data-testid="waterfall" role="group" aria-label="Spans on a time axis">
            <div class="wf-axis" aria-hidden="true">
              <div class="wf-label" />
              <div class="wf-track">
                {ticks.map((t) => (
                  <span key={t} class="wf-tick" style={{ left: `${(t / total) * 100}%` }}>
                    {formatDurationUs(t)}
                  </span>
                ))}
              </div>
            </div>
            <ol class="wf-rows">
              {w.rows.map((r) => (
                <li key={r.index}>
                  <SpanRow row={r} total={total} selected={r.index === selected} onSelect={() => setSelected(r.index === selected ? undefined : r.index)} />
                </li>
              ))}
            </ol>
          </div>
          {sel ? <SpanDetail row={sel} /> : <p class="muted">Select a span to see its tags, annotations and errors.</p>}
        </>
      )}
    </section>
  );
}

function SpanRow({ row, total, selected, onSelect }: { row: WaterfallRow; total: number; selected: boolean; onSelect: () => void }) {
  const left = (row.offsetUs / total) * 100;
  const width = Math.max((row.durationUs / total) * 100, 0.4);
  const colour = serviceColour(row.service);
  const name = row.span.name ?? '(unnamed)';
  // The duration goes after the bar when there is room, else before it, else inside its end.
  const end = left + width;
  const durPlace = end <= 80 ? 'after' : left >= 18 ? 'before' : 'inside';
  const durStyle = durPlace === 'after' ? { left: `${end}%` } : durPlace === 'before' ? { right: `${100 - left}%` } : { right: `${Math.max(100 - end, 0)}%` };
  return (
    <button
      type="button"
      class={`wf-row ${selected ? 'wf-selected' : ''} ${row.error ? 'wf-error' : ''}`}
      aria-pressed={selected}
      aria-controls="span-detail"
      aria-label={`${row.service} ${name}, ${formatDurationUs(row.durationUs)} at +${formatDurationUs(row.offsetUs)}${row.error ? ', error' : ''}`}
      onClick={onSelect}
      data-testid="span-row"
      data-span-id={row.span.id}
      data-service={row.service}
      data-depth={row.depth}
    >
      <span class="wf-label" style={{ paddingLeft: `${Math.min(row.depth, 12) * 14 + 6}px` }}>
        <span class="svc" style={{ color: colour }}>
          {row.service}
        </span>{' '}
        <span class="wf-name">{name}</span>
        {row.span.kind && <span class="muted small"> {row.span.kind.toLowerCase()}</span>}
        {row.error && (
          <span class="wf-err" aria-hidden="true">
            {' '}
            ⚠
          </span>
        )}
      </span>
      <span class="wf-track">
        <span class="wf-bar" style={{ left: `${Math.min(left, 99.6)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.6))}%`, background: colour }} />
        <span class={`wf-dur ${durPlace === 'inside' ? 'wf-dur-inside' : ''}`} style={durStyle}>
          {formatDurationUs(row.durationUs)}
        </span>
      </span>
    </button>
  );
}

function endpoint(e: ZipkinSpan['remoteEndpoint']): string {
  if (!e) return '—';
  const host = e.ipv4 ?? e.ipv6 ?? '';
  return [e.serviceName, host && `${host}${e.port ? `:${e.port}` : ''}`].filter(Boolean).join(' ') || '—';
}

function SpanDetail({ row }: { row: WaterfallRow }) {
  const s = row.span;
  const tags = Object.entries(s.tags ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const errorTags = tags.filter(([k]) => k === 'error' || k === 'otel.status_code' || k === 'otel.status_description' || k.startsWith('exception.'));
  return (
    <section id="span-detail" class="card span-detail" aria-labelledby="h-span" data-testid="span-detail" data-span-id={s.id}>
      <h2 id="h-span">
        <span class="swatch" style={{ background: serviceColour(row.service) }} aria-hidden="true" /> {row.service}: {s.name ?? '(unnamed)'}
      </h2>
      {row.error && (
        <div class="error-box" role="note" data-testid="span-error">
          <strong>Error</strong>
          <KeyValues entries={errorTags} label="Error details" />
        </div>
      )}
      <KeyValues
        label="Span"
        entries={[
          ['Span ID', s.id],
          ['Parent ID', s.parentId ?? '— (root)'],
          ['Kind', s.kind ?? '—'],
          ['Start', s.timestamp ? `${formatTimeUs(s.timestamp)} (+${formatDurationUs(row.offsetUs)})` : '—'],
          ['Duration', formatDurationUs(row.durationUs)],
          ['Local endpoint', endpoint(s.localEndpoint)],
          ['Remote endpoint', endpoint(s.remoteEndpoint)],
        ]}
      />
      <h3>Tags</h3>
      <KeyValues entries={tags} label="Tags" testId="span-tags" />
      <h3>Annotations</h3>
      {s.annotations?.length ? (
        <ul class="annotations" data-testid="span-annotations">
          {s.annotations.map((a, i) => (
            <li key={i}>
              <span class="mono">+{formatDurationUs(a.timestamp - (s.timestamp ?? a.timestamp))}</span> {a.value}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">None.</p>
      )}
    </section>
  );
}
