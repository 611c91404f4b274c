/**
 * @module pages/resources
 * Components and Configurations: one card per resource with its type, file, scopes, the apps that
 * loaded it, and its YAML behind a disclosure.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { Resource } from '../api/types';
import { Code, EmptyState, ErrorBox, Loading, PageHeader } from '../components/common';
import { href } from '../lib/route';
import { useLoad } from '../lib/use-load';

const TEXT = {
  components: { title: 'Components', empty: 'No components found in the resources paths of the running apps.', noun: 'components' },
  configurations: { title: 'Configurations', empty: 'No configurations found for the running apps.', noun: 'configurations' },
} as const;

export function ResourcesPage({ kind }: { kind: 'components' | 'configurations' }) {
  const loaded = useLoad(kind === 'components' ? api.components : api.configurations, [kind]);
  const [filter, setFilter] = useState('');
  const t = TEXT[kind];
  const list = (loaded.data ?? []).filter((r) => !filter || `${r.name} ${r.type ?? ''}`.toLowerCase().includes(filter.toLowerCase()));
  return (
    <section aria-labelledby="page-title" data-testid={`${kind}-page`}>
      <PageHeader title={t.title}>
        <label class="inline-field">
          <span class="sr-only">Filter {t.noun}</span>
          <input type="search" placeholder="Filter by name or type" value={filter} onInput={(e) => setFilter((e.currentTarget as HTMLInputElement).value)} data-testid="resource-filter" />
        </label>
        <button type="button" class="btn" onClick={loaded.reload} data-testid="refresh">
          Refresh
        </button>
      </PageHeader>
      {loaded.error && <ErrorBox error={loaded.error} onRetry={loaded.reload} />}
      {loaded.loading && !loaded.data && <Loading what={t.noun} />}
      {loaded.data && loaded.data.length === 0 && <EmptyState testId="resources-empty">{t.empty}</EmptyState>}
      {loaded.data && loaded.data.length > 0 && list.length === 0 && <EmptyState>Nothing matches “{filter}”.</EmptyState>}
      <ul class="resource-list" data-testid="resource-list">
        {list.map((r) => (
          <ResourceCard key={`${r.file}#${r.name}`} r={r} />
        ))}
      </ul>
    </section>
  );
}

function ResourceCard({ r }: { r: Resource }) {
  return (
    <li class="card resource" data-testid="resource" data-name={r.name}>
      <div class="resource-head">
        <h2 class="resource-name">{r.name}</h2>
        {r.type && (
          <span class="chip" data-testid="resource-type">
            {r.type}
            {r.version ? `/${r.version}` : ''}
          </span>
        )}
        <span class="muted small">{r.kind}</span>
      </div>
      <dl class="kv">
        <div class="kv-row">
          <dt>File</dt>
          <dd>
            <code>{r.file}</code>
          </dd>
        </div>
        <div class="kv-row">
          <dt>Scopes</dt>
          <dd>{r.scopes?.length ? r.scopes.join(', ') : 'all apps'}</dd>
        </div>
        <div class="kv-row">
          <dt>Loaded by</dt>
          <dd data-testid="resource-loaded-by">
            {r.loadedBy.length
              ? r.loadedBy.map((a, i) => (
                  <span key={a}>
                    {i > 0 && ', '}
                    <a href={href.app(a)}>{a}</a>
                  </span>
                ))
              : 'no running app'}
          </dd>
        </div>
      </dl>
      <details class="yaml">
        <summary data-testid="resource-yaml-toggle">YAML</summary>
        <Code text={r.yaml} label={`YAML of ${r.name}`} testId="resource-yaml" />
      </details>
    </li>
  );
}
