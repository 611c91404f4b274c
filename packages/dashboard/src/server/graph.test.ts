import { buildGraph } from './graph';
import type { ZipkinSpan } from './span-store-types';

const s = (id: string, svc: string, o: Partial<ZipkinSpan> = {}): ZipkinSpan => ({ traceId: 't', id, localEndpoint: { serviceName: svc }, ...o });

it('derives invoke, state, pub/sub and binding edges with counts, errors and rates', () => {
  const g = buildGraph(
    [
      s('1', 'checkout', { kind: 'CLIENT', tags: { 'net.peer.name': 'orders', 'rpc.service': 'ServiceInvocation' } }),
      s('2', 'orders', { kind: 'SERVER', parentId: '1' }),
      s('3', 'checkout', { kind: 'CLIENT', tags: { 'net.peer.name': 'orders', 'rpc.service': 'ServiceInvocation', error: 'x' } }),
      s('4', 'orders', { kind: 'CLIENT', tags: { 'db.system': 'state', 'db.name': 'statestore' } }),
      s('5', 'checkout', { kind: 'PRODUCER', tags: { 'messaging.system': 'pubsub', 'messaging.destination': 'orders', 'dapr.pubsub': 'ps' } }),
      s('6', 'orders', { kind: 'CONSUMER', parentId: '5', tags: { 'messaging.system': 'pubsub', 'messaging.destination': 'orders', 'dapr.pubsub': 'ps' } }),
      s('7', 'orders', { kind: 'CLIENT', tags: { 'db.system': 'bindings', 'db.name': 'mail' } }),
      s('8', 'batch', { kind: 'SERVER', tags: { 'db.system': 'bindings', 'db.name': 'cron' } }),
      s('9', 'web', { kind: 'SERVER' }),
      s('10', 'api', { kind: 'SERVER', parentId: '9' }),
    ],
    120000,
  );
  const edge = (id: string) => g.edges.find((e) => e.id === id);
  expect(edge('invoke:app:checkout->app:orders')).toMatchObject({ count: 2, errors: 1, ratePerMin: 1 });
  expect(edge('state:app:orders->store:state:statestore')).toMatchObject({ count: 1, kind: 'state' });
  expect(edge('publish:app:checkout->topic:ps/orders')).toMatchObject({ count: 1 });
  expect(edge('deliver:topic:ps/orders->app:orders')).toMatchObject({ count: 1 });
  expect(edge('binding:app:orders->binding:mail')).toBeDefined();
  expect(edge('binding:binding:cron->app:batch')).toBeDefined();
  expect(edge('invoke:app:web->app:api')).toMatchObject({ count: 1 });
  expect(g.edges).toHaveLength(7);
  expect(g.nodes.map((n) => `${n.kind}:${n.label}`)).toEqual(
    expect.arrayContaining(['app:checkout', 'app:orders', 'store:statestore', 'topic:ps/orders', 'binding:mail', 'binding:cron']),
  );
});
