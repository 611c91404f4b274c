/**
 * @module pages/app
 * One application: header with health and tabs (Overview, Logs, Explorer) as links so each tab has
 * its own URL (#/apps/:appId, #/apps/:appId/logs, #/apps/:appId/explorer).
 */
import { api } from '../api/client';
import { ErrorBox, HealthBadge, Loading, PageHeader } from '../components/common';
import { useLive } from '../lib/live';
import { APP_TABS, href, type AppTab } from '../lib/route';
import { useLoad } from '../lib/use-load';
import { AppOverview } from './app-overview';
import { AppLogs } from './app-logs';
import { AppExplorer } from './app-explorer';

const TAB_LABEL: Record<AppTab, string> = { overview: 'Overview', logs: 'Logs', explorer: 'Explorer' };

export function AppPage({ appId, tab }: { appId: string; tab: AppTab }) {
  const detail = useLoad(() => api.app(appId), [appId]);
  const apps = useLive('apps');
  const liveApp = apps?.find((a) => a.appId === appId);
  const gone = apps !== undefined && !liveApp && detail.data !== undefined;
  const health = liveApp?.health ?? detail.data?.health;
  return (
    <section aria-labelledby="page-title" data-testid="app-page" data-app-id={appId}>
      <p class="breadcrumb">
        <a href={href.apps()}>Applications</a> <span aria-hidden="true">/</span>
      </p>
      <PageHeader title={appId}>{health && <HealthBadge health={health} />}</PageHeader>
      {gone && (
        <p class="notice" role="status" data-testid="app-gone">
          This app is no longer in the registry (it stopped). Showing what was last known.
        </p>
      )}
      <nav class="tabs" aria-label="App views">
        {APP_TABS.map((t) => (
          <a key={t} href={href.app(appId, t)} class="tab" aria-current={t === tab ? 'page' : undefined} data-testid={`tab-${t}`}>
            {TAB_LABEL[t]}
          </a>
        ))}
      </nav>
      <div class="tab-panel">
        {tab === 'overview' &&
          (detail.error ? (
            <ErrorBox error={detail.error} onRetry={detail.reload} />
          ) : !detail.data ? (
            <Loading what="app details" />
          ) : (
            <AppOverview app={{ ...detail.data, ...(liveApp ?? {}) }} />
          ))}
        {tab === 'logs' && <AppLogs appId={appId} />}
        {tab === 'explorer' && <AppExplorer appId={appId} detail={detail.data} />}
      </div>
    </section>
  );
}
