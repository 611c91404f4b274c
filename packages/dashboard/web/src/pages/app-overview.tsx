/**
 * @module pages/app-overview
 * An app's process facts and its sidecar metadata: components, subscriptions, HTTP endpoints and
 * enabled features.
 */
import type { AppDetail, SidecarMetadata } from '../api/types';
import { EmptyState, KeyValues } from '../components/common';
import { formatAge } from '../lib/format';
import { href } from '../lib/route';
import { ports } from './apps';

type Subscription = NonNullable<SidecarMetadata['subscriptions']>[number];

function routesOf(s: Subscription): string {
  const r = s.rules;
  const list = Array.isArray(r) ? r : (r?.rules ?? []);
  return list.map((x) => (x.match ? `${x.match} → ${x.path}` : x.path)).join(', ') || '—';
}

export function AppOverview({ app }: { app: AppDetail }) {
  const md = app.metadata;
  const facts: [string, string][] = [
    ['Ports', ports(app)],
    ['Internal port', app.internalPort === null ? '—' : String(app.internalPort)],
    ['Sidecar PID', app.pid === null ? '—' : String(app.pid)],
    ['App PID', app.appPid ? String(app.appPid) : '—'],
    ['Started', `${new Date(app.startedAt).toLocaleString()} (${formatAge(app.ageSeconds)} ago)`],
    ['Command', app.command || '—'],
    ['Runtime version', app.runtimeVersion ?? md?.runtimeVersion ?? '—'],
    ['Resources', (app.resourcesPaths ?? []).join(', ') || '—'],
    ['Configuration', (app.configPaths ?? []).join(', ') || '—'],
  ];
  if (app.runFile) facts.push(['Run file', app.runFile]);
  if (app.source === 'static') facts.unshift(['Sidecar', `${app.host ?? '?'}:${app.httpPort} (given with --sidecar)`]);
  return (
    <div class="stack" data-testid="app-overview">
      <section class="card" aria-labelledby="h-process">
        <h2 id="h-process">Process</h2>
        <KeyValues entries={facts} label="Process facts" testId="app-facts" />
      </section>
      {app.metadataError && (
        <p class="notice" role="alert" data-testid="metadata-error">
          The sidecar's metadata could not be read: {app.metadataError}
        </p>
      )}
      {md && (
        <>
          <section class="card" aria-labelledby="h-components">
            <h2 id="h-components">Components</h2>
            {md.components?.length ? (
              <div class="table-wrap">
                <table class="table" data-testid="metadata-components">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Type</th>
                      <th scope="col">Version</th>
                      <th scope="col">Capabilities</th>
                    </tr>
                  </thead>
                  <tbody>
                    {md.components.map((c) => (
                      <tr key={c.name}>
                        <th scope="row">
                          <a href={href.components()}>{c.name}</a>
                        </th>
                        <td>{c.type}</td>
                        <td>{c.version ?? '—'}</td>
                        <td>{c.capabilities?.join(', ') || '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <EmptyState>No components loaded.</EmptyState>
            )}
          </section>
          <section class="card" aria-labelledby="h-subs">
            <h2 id="h-subs">Subscriptions</h2>
            {md.subscriptions?.length ? (
              <div class="table-wrap">
                <table class="table" data-testid="metadata-subscriptions">
                  <thead>
                    <tr>
                      <th scope="col">Pub/sub</th>
                      <th scope="col">Topic</th>
                      <th scope="col">Routes</th>
                      <th scope="col">Dead-letter topic</th>
                      <th scope="col">Type</th>
                    </tr>
                  </thead>
                  <tbody>
                    {md.subscriptions.map((s) => (
                      <tr key={`${s.pubsubname}/${s.topic}`}>
                        <td>{s.pubsubname}</td>
                        <th scope="row">{s.topic}</th>
                        <td>{routesOf(s)}</td>
                        <td>{s.deadLetterTopic || '—'}</td>
                        <td>{s.type ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <EmptyState>No subscriptions.</EmptyState>
            )}
          </section>
          <div class="grid-2">
            <section class="card" aria-labelledby="h-endpoints">
              <h2 id="h-endpoints">HTTP endpoints</h2>
              {md.httpEndpoints?.length ? (
                <ul class="chips" data-testid="metadata-endpoints">
                  {md.httpEndpoints.map((e) => (
                    <li key={e.name}>{e.name}</li>
                  ))}
                </ul>
              ) : (
                <EmptyState>No HTTP endpoints.</EmptyState>
              )}
            </section>
            <section class="card" aria-labelledby="h-features">
              <h2 id="h-features">Enabled features</h2>
              {md.enabledFeatures?.length ? (
                <ul class="chips" data-testid="metadata-features">
                  {md.enabledFeatures.map((f) => (
                    <li key={f}>{f}</li>
                  ))}
                </ul>
              ) : (
                <EmptyState>No preview features enabled.</EmptyState>
              )}
            </section>
          </div>
          {md.extended && Object.keys(md.extended).length > 0 && (
            <section class="card" aria-labelledby="h-extended">
              <h2 id="h-extended">Extended metadata</h2>
              <KeyValues entries={Object.entries(md.extended)} label="Extended metadata" />
            </section>
          )}
        </>
      )}
    </div>
  );
}
