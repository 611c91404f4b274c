/**
 * @module lib/route
 * Hash routes of the dashboard (#/apps, #/apps/:appId[/logs|/explorer], #/components,
 * #/configurations, #/traces, #/traces/:traceId, #/graph, #/metrics), parsed into a tagged value.
 */

export type AppTab = 'overview' | 'logs' | 'explorer';
export const APP_TABS: readonly AppTab[] = ['overview', 'logs', 'explorer'];

export type Route =
  | { page: 'apps' }
  | { page: 'app'; appId: string; tab: AppTab }
  | { page: 'components' }
  | { page: 'configurations' }
  | { page: 'traces'; query: Record<string, string> }
  | { page: 'trace'; traceId: string }
  | { page: 'graph' }
  | { page: 'metrics' }
  | { page: 'not-found'; path: string };

export type Section = 'apps' | 'components' | 'configurations' | 'traces' | 'graph' | 'metrics';

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const parts = pathPart.split('/').filter(Boolean).map(decode);
  const query = Object.fromEntries(new URLSearchParams(queryPart));
  const [head, id, sub] = parts;
  switch (head) {
    case undefined:
    case 'apps':
      if (!id) return { page: 'apps' };
      return { page: 'app', appId: id, tab: (APP_TABS as readonly string[]).includes(sub ?? '') ? (sub as AppTab) : 'overview' };
    case 'components':
      return { page: 'components' };
    case 'configurations':
      return { page: 'configurations' };
    case 'traces':
      return id ? { page: 'trace', traceId: id } : { page: 'traces', query };
    case 'graph':
      return { page: 'graph' };
    case 'metrics':
      return { page: 'metrics' };
    default:
      return { page: 'not-found', path: pathPart };
  }
}

/** The nav section a route belongs to (for aria-current). */
export function sectionOf(r: Route): Section | undefined {
  switch (r.page) {
    case 'apps':
    case 'app':
      return 'apps';
    case 'trace':
    case 'traces':
      return 'traces';
    case 'not-found':
      return undefined;
    default:
      return r.page;
  }
}

export const href = {
  apps: () => '#/apps',
  app: (appId: string, tab: AppTab = 'overview') => `#/apps/${encodeURIComponent(appId)}${tab === 'overview' ? '' : `/${tab}`}`,
  components: () => '#/components',
  configurations: () => '#/configurations',
  traces: (query: Record<string, string | undefined> = {}) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
    const s = q.toString();
    return `#/traces${s ? `?${s}` : ''}`;
  },
  trace: (traceId: string) => `#/traces/${encodeURIComponent(traceId)}`,
  graph: () => '#/graph',
  metrics: () => '#/metrics',
};
