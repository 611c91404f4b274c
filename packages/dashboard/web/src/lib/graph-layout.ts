/**
 * @module lib/graph-layout
 * A deterministic layered layout for the service graph: cycles are broken by a depth-first search
 * in id order, each node's column is its longest path from a source, and a column lists its nodes
 * by kind then label. The same graph always lands in the same place, so live updates do not jump.
 */
import type { Graph, GraphEdge, GraphNode, NodeKind } from '../api/types';

export interface PlacedNode extends GraphNode { x: number; y: number; column: number }
export interface PlacedEdge extends GraphEdge { path: string; labelX: number; labelY: number }
export interface GraphLayout { nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number }

export const NODE_W = 150;
export const NODE_H = 40;
const COL_GAP = 110;
const ROW_GAP = 36;
const PAD = 24;
const KIND_ORDER: Record<NodeKind, number> = { app: 0, topic: 1, binding: 2, store: 3, external: 4 };

export function layoutGraph(graph: Graph): GraphLayout {
  const nodes = [...graph.nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges = graph.edges.filter((e) => byId.has(e.source) && byId.has(e.target));
  const out = new Map<string, string[]>();
  for (const e of edges) if (e.source !== e.target) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  for (const list of out.values()) list.sort();

  // Depth-first search in id order; edges to a node on the stack are back edges (ignored for ranks).
  const state = new Map<string, 'active' | 'done'>();
  const forward = new Map<string, string[]>();
  const order: string[] = [];
  const dfs = (id: string) => {
    state.set(id, 'active');
    for (const t of out.get(id) ?? []) {
      const s = state.get(t);
      if (s === 'active') continue;
      forward.set(id, [...(forward.get(id) ?? []), t]);
      if (!s) dfs(t);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const n of nodes) if (!state.has(n.id)) dfs(n.id);

  const column = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  for (const id of order.reverse()) {
    const c = column.get(id)!;
    for (const t of forward.get(id) ?? []) if (column.get(t)! < c + 1) column.set(t, c + 1);
  }

  const columns: GraphNode[][] = [];
  for (const n of nodes) (columns[column.get(n.id)!] ??= []).push(n);
  const placed = new Map<string, PlacedNode>();
  let maxRows = 0;
  columns.forEach((col, ci) => {
    col.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.label.localeCompare(b.label) || (a.id < b.id ? -1 : 1));
    maxRows = Math.max(maxRows, col.length);
    col.forEach((n, ri) => placed.set(n.id, { ...n, column: ci, x: PAD + ci * (NODE_W + COL_GAP), y: PAD + ri * (NODE_H + ROW_GAP) }));
  });
  // Centre short columns vertically.
  const height = PAD * 2 + Math.max(maxRows, 1) * NODE_H + Math.max(maxRows - 1, 0) * ROW_GAP;
  for (const col of columns) {
    const used = col.length * NODE_H + Math.max(col.length - 1, 0) * ROW_GAP;
    const shift = (height - PAD * 2 - used) / 2;
    for (const n of col) placed.get(n.id)!.y += shift;
  }
  const width = PAD * 2 + Math.max(columns.length, 1) * NODE_W + Math.max(columns.length - 1, 0) * COL_GAP;

  const placedEdges = edges.map((e) => routeEdge(e, placed.get(e.source)!, placed.get(e.target)!));
  const below = Math.max(0, ...placedEdges.map((e) => e.labelY + 12));
  return { nodes: nodes.map((n) => placed.get(n.id)!), edges: placedEdges, width, height: Math.max(height, below) };
}

function routeEdge(e: GraphEdge, s: PlacedNode, t: PlacedNode): PlacedEdge {
  const r = (n: number) => Math.round(n * 10) / 10;
  if (s.id === t.id) {
    // Self loop above the node.
    const x = s.x + NODE_W / 2;
    const y = s.y;
    return { ...e, path: `M${r(x - 20)},${r(y)} C${r(x - 40)},${r(y - 45)} ${r(x + 40)},${r(y - 45)} ${r(x + 20)},${r(y)}`, labelX: r(x), labelY: r(y - 38) };
  }
  if (t.column > s.column + 1) {
    // Skips a column: bow out below the row so the line does not run behind the nodes in between.
    const x1 = s.x + NODE_W * 0.7;
    const y1 = s.y + NODE_H;
    const x2 = t.x + NODE_W * 0.3;
    const y2 = t.y + NODE_H;
    const dip = Math.max(y1, y2) + 34 + 8 * (t.column - s.column);
    return { ...e, path: `M${r(x1)},${r(y1)} C${r(x1)},${r(dip)} ${r(x2)},${r(dip)} ${r(x2)},${r(y2)}`, labelX: r((x1 + x2) / 2), labelY: r((y1 + y2) / 8 + (dip * 3) / 4 + 14) };
  }
  if (t.column === s.column + 1) {
    const x1 = s.x + NODE_W;
    const y1 = s.y + NODE_H / 2;
    const x2 = t.x;
    const y2 = t.y + NODE_H / 2;
    const mx = (x1 + x2) / 2;
    return { ...e, path: `M${r(x1)},${r(y1)} C${r(mx)},${r(y1)} ${r(mx)},${r(y2)} ${r(x2)},${r(y2)}`, labelX: r(mx), labelY: r((y1 + y2) / 2 - 6) };
  }
  // Same column or backwards: bow out below both nodes.
  const x1 = s.x + NODE_W / 2;
  const y1 = s.y + NODE_H;
  const x2 = t.x + NODE_W / 2;
  const y2 = t.y + NODE_H;
  const dip = Math.max(y1, y2) + 50;
  return { ...e, path: `M${r(x1)},${r(y1)} C${r(x1)},${r(dip)} ${r(x2)},${r(dip)} ${r(x2)},${r(y2)}`, labelX: r((x1 + x2) / 2), labelY: r(dip - 8) };
}
