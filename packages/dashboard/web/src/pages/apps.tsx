/**
 * @module pages/apps
 * Applications: every running app from the instance registry, refreshed by the `apps` live event.
 */
import { api } from '../api/client';
import type { App } from '../api/types';
import { EmptyState, ErrorBox, HealthBadge, Loading, PageHeader } from '../components/common';
import { formatAge } from '../lib/format';
import { href } from '../lib/route';
import { useLiveLoad } from '../lib/use-live-load';

export function ports(a: App): string {
  // minidaprd has no gRPC API yet: its registry entry says gRPC port 0, which is no port to show.
  const p = [`HTTP ${a.httpPort}`];
  if (a.grpcPort) p.push(`gRPC ${a.grpcPort}`);
  if (a.appPort) p.push(`app ${a.appPort}`);
  if (a.metricsPort) p.push(`metrics ${a.metricsPort}`);
  return p.join(' · ');
}

export function AppsPage() {
  const loaded = useLiveLoad('apps', api.apps);
  const apps = loaded.data;
  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Applications">
        <button type="button" class="btn" onClick={loaded.reload} data-testid="refresh">
          Refresh
        </button>
      </PageHeader>
      {loaded.error && <ErrorBox error={loaded.error} onRetry={loaded.reload} />}
      {!apps && !loaded.error && <Loading what="applications" />}
      {apps && apps.length === 0 && (
        <EmptyState testId="apps-empty">
          No apps running — start one with <code>minidapr run</code>.
        </EmptyState>
      )}
      {apps && apps.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Applications table">
          <table class="table table-reflow" data-testid="apps-table">
            <thead>
              <tr>
                <th scope="col">App ID</th>
                <th scope="col">Ports</th>
                <th scope="col">PID</th>
                <th scope="col">Age</th>
                <th scope="col">Command</th>
                <th scope="col">Health</th>
              </tr>
            </thead>
            <tbody>
              {[...apps]
                .sort((a, b) => a.appId.localeCompare(b.appId))
                .map((a) => (
                  <tr key={a.appId} data-testid="app-row" data-app-id={a.appId}>
                    <th scope="row" data-label="App ID">
                      <a href={href.app(a.appId)} data-testid="app-link">
                        {a.appId}
                      </a>
                    </th>
                    <td data-label="Ports">{ports(a)}</td>
                    <td data-label="PID">
                      {a.pid ?? '—'}
                      {a.appPid ? <span class="muted"> (app {a.appPid})</span> : null}
                    </td>
                    <td data-label="Age">{formatAge(a.ageSeconds)}</td>
                    <td data-label="Command" class="cell-command">
                      <code>{a.command || '—'}</code>
                    </td>
                    <td data-label="Health">
                      <HealthBadge health={a.health} />
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
