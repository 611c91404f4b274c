/**
 * @module app
 * The router: reads location.hash, picks the page, keeps the document title in step and moves focus
 * to the new page's heading after navigation (keyboard and screen-reader users land on the content).
 */
import { useEffect, useState } from 'preact/hooks';
import { parseRoute, sectionOf, type Route } from './lib/route';
import { Shell } from './components/shell';
import { AppsPage } from './pages/apps';
import { AppPage } from './pages/app';
import { ResourcesPage } from './pages/resources';
import { TracesPage } from './pages/traces';
import { TracePage } from './pages/trace';
import { GraphPage } from './pages/graph';
import { MetricsPage } from './pages/metrics';
import { EmptyState, PageHeader } from './components/common';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'apps':
      return <AppsPage />;
    case 'app':
      return <AppPage key={route.appId} appId={route.appId} tab={route.tab} />;
    case 'components':
      return <ResourcesPage kind="components" />;
    case 'configurations':
      return <ResourcesPage kind="configurations" />;
    case 'traces':
      return <TracesPage query={route.query} />;
    case 'trace':
      return <TracePage key={route.traceId} traceId={route.traceId} />;
    case 'graph':
      return <GraphPage />;
    case 'metrics':
      return <MetricsPage />;
    case 'not-found':
      return (
        <>
          <PageHeader title="Not found" />
          <EmptyState>
            Nothing lives at <code>{route.path}</code>. <a href="#/apps">Go to the applications</a>.
          </EmptyState>
        </>
      );
  }
}

export function App() {
  const route = useRoute();
  const key = location.hash.split('?')[0] || '#/apps';
  const first = useFirst();
  useEffect(() => {
    if (first) return;
    // After an in-app navigation, put focus on the new page's heading.
    const h = document.getElementById('page-title');
    h?.focus({ preventScroll: false });
  }, [key]);
  return (
    <Shell section={sectionOf(route)} routeKey={key}>
      <Page route={route} />
    </Shell>
  );
}

function useFirst(): boolean {
  const [first, setFirst] = useState(true);
  useEffect(() => setFirst(false), []);
  return first;
}
