import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dependencyLinks } from './dependencies';
import { normalizeSpans } from './normalize';
import type { ZipkinSpan } from './types';

const fixture = normalizeSpans(JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/zipkin-multi-service.json'), 'utf8')));

function byTrace(spans: ZipkinSpan[]): ZipkinSpan[][] {
  const m = new Map<string, ZipkinSpan[]>();
  for (const s of spans) m.set(s.traceId, [...(m.get(s.traceId) ?? []), s]);
  return [...m.values()];
}

describe('dependencyLinks', () => {
  it('links callers to servers, producers and consumers through the broker, and uninstrumented peers', () => {
    expect(dependencyLinks(byTrace(fixture))).toEqual([
      { parent: 'checkout', child: 'order-processor', callCount: 1, errorCount: 0 },
      { parent: 'checkout', child: 'orderpubsub', callCount: 1, errorCount: 0 },
      { parent: 'checkout', child: 'statestore', callCount: 1, errorCount: 1 },
      { parent: 'order-processor', child: 'statestore', callCount: 1, errorCount: 0 },
      { parent: 'orderpubsub', child: 'order-processor', callCount: 1, errorCount: 0 },
    ]);
  });

  it('finds the caller of a server span without a remote endpoint through its ancestors', () => {
    const spans: ZipkinSpan[] = [
      { traceId: 'a', id: '1', kind: 'SERVER', localEndpoint: { serviceName: 'web' } },
      { traceId: 'a', id: '2', parentId: '1', localEndpoint: { serviceName: 'web' } },
      { traceId: 'a', id: '3', parentId: '2', kind: 'CLIENT', localEndpoint: { serviceName: 'web' }, remoteEndpoint: { serviceName: 'api' } },
      { traceId: 'a', id: '4', parentId: '3', kind: 'SERVER', localEndpoint: { serviceName: 'api' }, tags: { error: '' } },
    ];
    expect(dependencyLinks([spans])).toEqual([{ parent: 'web', child: 'api', callCount: 1, errorCount: 1 }]);
  });
});
