import type { Graph } from '../api/types';
import { layoutGraph } from './graph-layout';

const edge = (source: string, target: string, kind: 'invoke' | 'publish' | 'deliver' | 'state' = 'invoke') => ({ id: `${source}->${target}`, source, target, kind, count: 1, errors: 0, ratePerMin: 1 });

const graph: Graph = {
  nodes: [
    { id: 'app:order-processor', kind: 'app', label: 'order-processor' },
    { id: 'app:checkout', kind: 'app', label: 'checkout' },
    { id: 'topic:pubsub/orders', kind: 'topic', label: 'orders' },
    { id: 'store:statestore', kind: 'store', label: 'statestore' },
  ],
  edges: [
    edge('app:checkout', 'app:order-processor'),
    edge('app:checkout', 'topic:pubsub/orders', 'publish'),
    edge('topic:pubsub/orders', 'app:order-processor', 'deliver'),
    edge('app:order-processor', 'store:statestore', 'state'),
  ],
};

describe('layoutGraph', () => {
  it('puts each node one column after its furthest caller', () => {
    const l = layoutGraph(graph);
    const col = Object.fromEntries(l.nodes.map((n) => [n.id, n.column]));
    expect(col).toEqual({ 'app:checkout': 0, 'topic:pubsub/orders': 1, 'app:order-processor': 2, 'store:statestore': 3 });
    expect(l.edges).toHaveLength(4);
    expect(l.width).toBeGreaterThan(l.height);
  });
  it('is deterministic whatever the input order', () => {
    const a = layoutGraph(graph);
    const b = layoutGraph({ nodes: [...graph.nodes].reverse(), edges: [...graph.edges].reverse() });
    const pos = (l: typeof a) => Object.fromEntries(l.nodes.map((n) => [n.id, [n.x, n.y]]));
    expect(pos(b)).toEqual(pos(a));
  });
  it('survives cycles, self loops and edges to unknown nodes', () => {
    const l = layoutGraph({
      nodes: [
        { id: 'a', kind: 'app', label: 'a' },
        { id: 'b', kind: 'app', label: 'b' },
      ],
      edges: [edge('a', 'b'), edge('b', 'a'), edge('a', 'a'), edge('a', 'ghost')],
    });
    expect(l.nodes.map((n) => n.column)).toEqual([0, 1]);
    expect(l.edges).toHaveLength(3);
    for (const e of l.edges) expect(e.path).toMatch(/^M[\d.]+,[\d.]+ C/);
  });
  it('lays out an empty graph', () => {
    expect(layoutGraph({ nodes: [], edges: [] }).nodes).toEqual([]);
  });
});
