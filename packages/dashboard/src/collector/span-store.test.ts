import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@minidapr/testkit';
import { defaultSpanStorePath, openSpanStore } from './span-store';
import type { SpanStore, ZipkinSpan } from './types';

const FIXTURE = JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/zipkin-multi-service.json'), 'utf8')) as ZipkinSpan[];

/** The fixture moved so that its last span started a second ago. */
function recentFixture(): ZipkinSpan[] {
  const newest = Math.max(...FIXTURE.map((s) => s.timestamp ?? 0));
  const shift = Date.now() * 1000 - 1_000_000 - newest;
  return FIXTURE.map((s) => ({
    ...s,
    timestamp: s.timestamp! + shift,
    annotations: s.annotations?.map((a) => ({ ...a, timestamp: a.timestamp + shift })),
  }));
}

function span(i: number, tsMicros: number): ZipkinSpan {
  return { traceId: (i + 1).toString(16), id: 'a', name: 'op', timestamp: tsMicros, duration: 5, localEndpoint: { serviceName: 'svc' } };
}

describe('openSpanStore', () => {
  let dir: TempDir;
  let store: SpanStore;
  beforeEach(() => {
    dir = tempDir('minidapr-spans-');
    store = openSpanStore({ path: defaultSpanStorePath(dir.path) });
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  it('lives at <home>/traces/spans.db', () => {
    expect(defaultSpanStorePath('/h')).toBe(join('/h', 'traces', 'spans.db'));
  });

  it('answers the lookup queries from the fixture', () => {
    store.add(recentFixture());
    expect(store.count()).toBe(9);
    expect(store.services()).toEqual(['checkout', 'order-processor']);
    expect(store.spanNames('Checkout')).toEqual([
      'calllocal/order-processor/orders', 'get /v1.0/state/statestore', 'get /v1.0/state/statestore/order-1',
      'post /v1.0/invoke/order-processor/method/orders', 'post /v1.0/publish/orderpubsub/orders', 'publish orders',
    ]);
    expect(store.remoteServices('checkout')).toEqual(['order-processor', 'orderpubsub', 'statestore']);
    expect(store.remoteServices('nobody')).toEqual([]);
  });

  it('returns traces newest first, limited, filtered with Zipkin semantics', () => {
    store.add(recentFixture());
    const ids = (q: Parameters<SpanStore['traces']>[0]): string[] => store.traces(q).map((t) => t[0]!.traceId);
    expect(ids({})).toEqual(['e0f1a2b3c4d5e6f70718293a4b5c6d7e', '7d3e4f5a6b7c8d90', '5af7183fb1d4cf5f9c3ad5b6e1f2a7c4']);
    expect(ids({ limit: 1 })).toEqual(['e0f1a2b3c4d5e6f70718293a4b5c6d7e']);
    expect(ids({ serviceName: 'order-processor' })).toEqual(['7d3e4f5a6b7c8d90', '5af7183fb1d4cf5f9c3ad5b6e1f2a7c4']);
    expect(ids({ annotationQuery: 'error' })).toEqual(['e0f1a2b3c4d5e6f70718293a4b5c6d7e']);
    expect(ids({ minDuration: 100_000 })).toEqual(['e0f1a2b3c4d5e6f70718293a4b5c6d7e']);
    expect(ids({ lookback: 1 })).toEqual([]);
    expect(store.traces({})[2]).toHaveLength(4);
  });

  it('looks traces up by id, treating the 64-bit and zero-padded 128-bit forms alike', () => {
    store.add([{ ...span(0, 1_000), traceId: '463ac35c9f6413ad' }]);
    const t = store.trace('0000000000000000463AC35C9F6413AD');
    expect(t?.[0]?.traceId).toBe('463ac35c9f6413ad');
    expect(store.trace('ffff')).toBeUndefined();
  });

  it('stores an identical span once and keeps both halves of a shared span', () => {
    const client: ZipkinSpan = { traceId: 'ab', id: 'cd', kind: 'CLIENT', timestamp: 10, localEndpoint: { serviceName: 'a' } };
    const server: ZipkinSpan = { ...client, kind: 'SERVER', shared: true, localEndpoint: { serviceName: 'b' } };
    store.add([client, client, server]);
    store.add([client]);
    expect(store.trace('ab')).toHaveLength(2);
  });

  it('rejects a batch with an invalid span and stores none of it', () => {
    expect(() => store.add([span(1, 1), { traceId: 'zz', id: '1' }])).toThrow('span 1: traceId should be lower-hex');
    expect(store.count()).toBe(0);
  });

  it('notifies listeners with the normalised spans until they unsubscribe', () => {
    const seen: ZipkinSpan[][] = [];
    const off = store.onSpans((s) => seen.push(s));
    store.add([{ traceId: 'AB', id: '1', name: 'X' }]);
    off();
    store.add([span(5, 1)]);
    expect(seen).toEqual([[{ traceId: '00000000000000ab', id: '0000000000000001', name: 'x' }]]);
  });

  it('returns spans since a time, oldest first, keeping the newest when limited', () => {
    const nowUs = Date.now() * 1000;
    store.add([span(1, nowUs - 10_000_000), span(2, nowUs - 2_000_000), span(3, nowUs - 1_000_000)]);
    expect(store.spansSince(Date.now() - 5_000).map((s) => s.traceId)).toEqual(['0000000000000003', '0000000000000004']);
    expect(store.spansSince(0, 1).map((s) => s.traceId)).toEqual(['0000000000000004']);
  });

  it('computes dependency links in a time window', () => {
    store.add(recentFixture());
    const links = store.dependencies(Date.now(), 60_000);
    expect(links.map((l) => `${l.parent}>${l.child}`)).toContain('checkout>order-processor');
    expect(store.dependencies(Date.now() - 3_600_000, 60_000)).toEqual([]);
  });

  it('is shared by two handles on the same file (two processes)', () => {
    const other = openSpanStore({ path: defaultSpanStorePath(dir.path) });
    try {
      other.add(recentFixture());
      expect(store.count()).toBe(9);
      expect(store.services()).toEqual(['checkout', 'order-processor']);
    } finally {
      other.close();
    }
  });
});

describe('retention', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir('minidapr-spans-');
  });
  afterEach(() => dir.remove());

  it('keeps at most maxSpans, dropping the oldest received', () => {
    const store = openSpanStore({ path: join(dir.path, 's.db'), maxSpans: 20 });
    try {
      for (let i = 0; i < 50; i++) store.add([span(i, 1_000 + i)]);
      expect(store.count()).toBeLessThanOrEqual(20);
      expect(store.count()).toBeGreaterThanOrEqual(19);
      expect(store.trace((50).toString(16))).toBeDefined();
      expect(store.trace((1).toString(16))).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('drops spans received longer ago than maxAgeMs', () => {
    const store = openSpanStore({ path: join(dir.path, 's.db'), maxAgeMs: 1 });
    const realNow = Date.now;
    try {
      store.add([span(1, 1_000)]);
      Date.now = () => realNow() + 60_000;
      store.add([span(2, 2_000)]);
      expect(store.trace('2')).toBeUndefined();
      expect(store.trace('3')).toBeDefined();
    } finally {
      Date.now = realNow;
      store.close();
    }
  });
});
