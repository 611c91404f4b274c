/**
 * @module server/graph
 * The service graph, derived from spans with Dapr's tags (DASHBOARD-API.md §2): app→app invocations
 * (CLIENT spans' net.peer.name, or a SERVER span whose parent belongs to another app), app→store
 * state and secrets calls, publish/deliver edges through topic nodes, and binding nodes.
 */
import { isErrorSpan, serviceOf } from './span-status';
import type { ZipkinSpan } from './span-store-types';

export type NodeKind = 'app' | 'topic' | 'binding' | 'store' | 'external';
export type EdgeKind = 'invoke' | 'publish' | 'deliver' | 'binding' | 'state' | 'other';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: EdgeKind;
  count: number;
  errors: number;
  ratePerMin: number;
}

export interface ServiceGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const DEFAULT_GRAPH_LOOKBACK_MS = 300000;

const appNode = (id: string): GraphNode => ({ id: `app:${id}`, kind: 'app', label: id });

/** The edges one span stands for (most stand for none: inbound API calls, app channel calls). */
function edgesOf(span: ZipkinSpan, byId: Map<string, ZipkinSpan>): Array<{ from: GraphNode; to: GraphNode; kind: EdgeKind }> {
  const tags = span.tags ?? {};
  const me = appNode(serviceOf(span));
  const peer = tags['net.peer.name'];
  if (span.kind === 'CLIENT' && peer && (tags['rpc.service'] === 'ServiceInvocation' || tags['dapr.invoke_method'] !== undefined || !tags['db.system'])) {
    return [{ from: me, to: appNode(peer), kind: 'invoke' }];
  }
  const db = tags['db.system'];
  if (db === 'state' || db === 'secrets') {
    const name = tags['db.name'] ?? db;
    return [{ from: me, to: { id: `store:${db}:${name}`, kind: 'store', label: name }, kind: db === 'state' ? 'state' : 'other' }];
  }
  if (db === 'bindings') {
    const name = tags['db.name'] ?? 'binding';
    const node: GraphNode = { id: `binding:${name}`, kind: 'binding', label: name };
    return span.kind === 'CLIENT' ? [{ from: me, to: node, kind: 'binding' }] : [{ from: node, to: me, kind: 'binding' }];
  }
  if (tags['messaging.system'] === 'pubsub' && tags['messaging.destination']) {
    const topic = tags['messaging.destination'];
    const pubsub = tags['dapr.pubsub'];
    const node: GraphNode = { id: `topic:${pubsub ?? ''}/${topic}`, kind: 'topic', label: pubsub ? `${pubsub}/${topic}` : topic };
    if (span.kind === 'PRODUCER') return [{ from: me, to: node, kind: 'publish' }];
    if (span.kind === 'CONSUMER') return [{ from: node, to: me, kind: 'deliver' }];
    return [];
  }
  if (span.kind === 'SERVER' && span.parentId) {
    const parent = byId.get(span.parentId);
    // Only when the caller's span did not already name this app (net.peer.name above).
    if (parent && serviceOf(parent) !== serviceOf(span) && !(parent.kind === 'CLIENT' && parent.tags?.['net.peer.name'])) {
      return [{ from: appNode(serviceOf(parent)), to: me, kind: 'invoke' }];
    }
  }
  return [];
}

export function buildGraph(spans: readonly ZipkinSpan[], lookbackMs: number): ServiceGraph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const byId = new Map(spans.map((s) => [s.id, s] as const));
  for (const s of spans) {
    const me = appNode(serviceOf(s));
    nodes.set(me.id, me);
    const failed = isErrorSpan(s);
    for (const e of edgesOf(s, byId)) {
      nodes.set(e.from.id, nodes.get(e.from.id) ?? e.from);
      nodes.set(e.to.id, nodes.get(e.to.id) ?? e.to);
      const id = `${e.kind}:${e.from.id}->${e.to.id}`;
      const edge = edges.get(id) ?? { id, source: e.from.id, target: e.to.id, kind: e.kind, count: 0, errors: 0, ratePerMin: 0 };
      edge.count += 1;
      if (failed) edge.errors += 1;
      edges.set(id, edge);
    }
  }
  const minutes = Math.max(lookbackMs, 1) / 60000;
  for (const e of edges.values()) e.ratePerMin = Math.round((e.count / minutes) * 100) / 100;
  return {
    nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)),
    edges: [...edges.values()].sort((a, b) => a.id.localeCompare(b.id)),
  };
}
