/**
 * @module components/common
 * Small shared pieces: status badges, empty/error/loading states, a page header, a code block.
 */
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import type { Health } from '../api/types';

export function HealthBadge({ health }: { health: Health }) {
  return (
    <span class={`badge badge-${health}`} data-testid="health-badge" title={`health: ${health}`}>
      <span aria-hidden="true">{health === 'healthy' ? '●' : health === 'unhealthy' ? '✕' : '?'}</span> {health}
    </span>
  );
}

export function StatusBadge({ status }: { status: number }) {
  const cls = status >= 500 || status === 0 ? 'unhealthy' : status >= 400 ? 'warn' : 'healthy';
  return (
    <span class={`badge badge-${cls}`} data-testid="status-badge">
      {status}
    </span>
  );
}

export function EmptyState({ children, testId = 'empty-state' }: { children: ComponentChildren; testId?: string }) {
  return (
    <div class="empty" role="status" data-testid={testId}>
      {children}
    </div>
  );
}

export function ErrorBox({ error, onRetry }: { error: string; onRetry?: () => void }) {
  return (
    <div class="error-box" role="alert" data-testid="error">
      <strong>Error:</strong> {error}
      {onRetry && (
        <button type="button" class="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status" aria-live="polite" data-testid="loading">
      Loading {what}…
    </p>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · minidapr dashboard`;
  }, [title]);
  return (
    <header class="page-header">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {children && <div class="page-actions">{children}</div>}
    </header>
  );
}

export function Code({ text, label, testId }: { text: string; label: string; testId?: string }) {
  return (
    <pre class="code" aria-label={label} tabIndex={0} data-testid={testId}>
      <code>{text}</code>
    </pre>
  );
}

export function KeyValues({ entries, label, testId }: { entries: [string, string][]; label: string; testId?: string }) {
  if (!entries.length) return <p class="muted">None.</p>;
  return (
    <dl class="kv" aria-label={label} data-testid={testId}>
      {entries.map(([k, v]) => (
        <div class="kv-row" key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
