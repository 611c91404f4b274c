/**
 * @module pages/graph
 * Service graph: apps, topics, bindings and stores as SVG nodes in a deterministic layered layout,
 * edges labelled with call counts, errors and rate; replaced whenever the `graph` live event arrives.
 * A table below lists the same edges for keyboard and screen-reader users.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { EdgeKind, NodeKind } from '../api/types';
import { EmptyState, ErrorBox, Loading, PageHeader } from '../components/common';
import { formatNumber } from '../lib/format';
import { layoutGraph, NODE_H, NODE_W } from '../lib/graph-layout';
import { href } from '../lib/route';
import { useLiveLoad } from '../lib/use-live-load';

const KIND_LABEL: Record<NodeKind, string> = { app: 'app', topic: 'topic', binding: 'binding', store: 'store', external: 'external' };
const EDGE_LABEL: Record<EdgeKind, string> = { invoke: 'invokes', publish: 'publishes to', deliver: 'delivers to', binding: 'binding', state: 'state', other: 'calls' };

export function GraphPage() {
  const loaded = useLiveLoad('graph', () => api.graph());
  const graph = loaded.data;
  const [focus, setFocus] = useState<string | undefined>();
  const layout = graph ? layoutGraph(graph) : undefined;
  const label = new Map((graph?.nodes ?? []).map((n) => [n.id, n.label]));
  const kindOf = new Map((graph?.nodes ?? []).map((n) => [n.id, n.kind]));
  return (
    <section aria-labelledby="page-title" data-testid="graph-page">
      <PageHeader title="Service graph">
        <span class="muted small">last 5 minutes of spans</span>
      </PageHeader>
      {loaded.error && <ErrorBox error={loaded.error} onRetry={loaded.reload} />}
      {!graph && !loaded.error && <Loading what="the service graph" />}
      {graph && graph.nodes.length === 0 && (
        <EmptyState testId="graph-empty">No calls in the last 5 minutes — invoke an app or publish a message and the graph draws itself.</EmptyState>
      )}
      {layout && layout.nodes.length > 0 && (
        <>
          <ul class="legend" aria-label="Node kinds">
            {(['app', 'topic', 'binding', 'store', 'external'] as NodeKind[]).map((k) => (
              <li key={k}>
                <span class={`swatch node-${k}`} aria-hidden="true" /> {KIND_LABEL[k]}
              </li>
            ))}
          </ul>
          <div class="graph-wrap card" tabIndex={0} role="region" aria-label="Service graph drawing (scrolls sideways on small screens)">
            <svg
              class="graph"
              viewBox={`0 0 ${layout.width} ${layout.height}`}
              style={{ maxWidth: `${layout.width}px`, minWidth: `${Math.min(layout.width, 560)}px` }}
              role="img"
              aria-label={`Service graph with ${layout.nodes.length} nodes and ${layout.edges.length} edges; the table below lists them`}
              data-testid="graph-svg"
            >
              <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                  <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                </marker>
                <marker id="arrow-err" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                  <path d="M0,0 L10,5 L0,10 z" class="arrow-head-err" />
                </marker>
              </defs>
              {layout.edges.map((e) => {
                const dim = focus && e.source !== focus && e.target !== focus;
                return (
                  <g key={e.id} class={`edge edge-${e.kind} ${e.errors ? 'edge-error' : ''} ${dim ? 'dim' : ''}`} data-testid="graph-edge" data-source={e.source} data-target={e.target}>
                    <path d={e.path} fill="none" marker-end={e.errors ? 'url(#arrow-err)' : 'url(#arrow)'} />
                    <text x={e.labelX} y={e.labelY} text-anchor="middle" class="edge-label">
                      {e.count} · {formatNumber(e.ratePerMin, 1)}/min{e.errors ? ` · ${e.errors} err` : ''}
                    </text>
                  </g>
                );
              })}
              {layout.nodes.map((n) => (
                <g
                  key={n.id}
                  class={`node node-${n.kind} ${focus && focus !== n.id ? 'dim-node' : ''}`}
                  transform={`translate(${n.x},${n.y})`}
                  data-testid="graph-node"
                  data-node-id={n.id}
                  data-kind={n.kind}
                  onMouseEnter={() => setFocus(n.id)}
                  onMouseLeave={() => setFocus(undefined)}
                >
                  <rect width={NODE_W} height={NODE_H} rx={n.kind === 'app' ? 8 : n.kind === 'topic' ? 20 : 2} />
                  <text x={NODE_W / 2} y={NODE_H / 2 - 3} text-anchor="middle" class="node-label">
                    {n.label.length > 20 ? `${n.label.slice(0, 19)}…` : n.label}
                  </text>
                  <text x={NODE_W / 2} y={NODE_H / 2 + 11} text-anchor="middle" class="node-kind">
                    {KIND_LABEL[n.kind]}
                  </text>
                </g>
              ))}
            </svg>
          </div>
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Service graph edges">
            <table class="table table-reflow" data-testid="graph-edges">
              <caption class="sr-only">Edges of the service graph</caption>
              <thead>
                <tr>
                  <th scope="col">From</th>
                  <th scope="col">Kind</th>
                  <th scope="col">To</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Errors</th>
                  <th scope="col">Rate</th>
                </tr>
              </thead>
              <tbody>
                {layout.edges.map((e) => (
                  <tr key={e.id} data-testid="graph-edge-row" class={e.errors ? 'row-error' : ''}>
                    <td data-label="From">
                      <NodeName id={e.source} label={label.get(e.source) ?? e.source} kind={kindOf.get(e.source)} />
                    </td>
                    <td data-label="Kind">{EDGE_LABEL[e.kind]}</td>
                    <td data-label="To">
                      <NodeName id={e.target} label={label.get(e.target) ?? e.target} kind={kindOf.get(e.target)} />
                    </td>
                    <td data-label="Calls">{e.count}</td>
                    <td data-label="Errors">{e.errors}</td>
                    <td data-label="Rate">{formatNumber(e.ratePerMin, 1)}/min</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function NodeName({ label, kind }: { id: string; label: string; kind: NodeKind | undefined }) {
  if (kind === 'app') return <a href={href.traces({ service: label })}>{label}</a>;
  return (
    <span>
      {label} <span class="muted small">{kind ? KIND_LABEL[kind] : ''}</span>
    </span>
  );
}
