/**
 * pubsub.redis against the real Redis at 127.0.0.1:6379 (skipped with a visible line when it is not
 * running, a failure under CI=true): the shared pub/sub contract, plus Dapr's stream layout,
 * trimming, consumer groups, the retry backoff and pending scan, recovery, concurrency and close.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { requireService, runPubSubContract, waitFor } from '@minidapr/testkit';
import { deleteRedisKeys } from '../../../../test/support/redis';
import type { HandlerResult, Message } from '../contract';
import { createRedisPubSub, type RedisStreamsPubSub } from '.';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
const HOST = '127.0.0.1:6379';
const prefix = `minidapr-test:pubsub-redis-unit:${randomUUID()}:`;
let n = 0;
const topic = () => `${prefix}${++n}`;
const group = () => `group-${randomUUID()}`;
const text = (m: Message) => m.data.toString('utf8');
const FAST = { processingTimeout: '300ms', redeliverInterval: '100ms' };

let up = false;
let raw: Redis;
const open: RedisStreamsPubSub[] = [];

beforeAll(async () => {
  up = await requireService('Redis', '127.0.0.1', 6379);
  if (!up) return;
  raw = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await raw.connect();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  if (!up) return;
  await deleteRedisKeys(`${prefix}*`);
  await raw.quit();
});

runPubSubContract({
  name: 'pubsub.redis',
  factory: () => createRedisPubSub({ logger }),
  metadata: () => ({ redisHost: HOST, consumerID: group(), ...FAST }),
  context: () => ({ appId: 'unit-app', cwd: process.cwd() }),
  available: () => up, // the beforeAll above printed the SKIPPED line (or failed under CI=true)
  topicPrefix: `${prefix}contract-`,
  ordered: true,
  quietMs: 500, // past a pending scan (100 ms) and processingTimeout (300 ms)
  expectedFeatures: [],
});

function withRedis(name: string, fn: () => Promise<void>, timeoutMs?: number): void {
  it(
    name,
    async () => {
      if (!up) return;
      await fn();
    },
    timeoutMs,
  );
}

/** One instance is what one sidecar process holds. */
async function broker(consumerID: string, metadata: Record<string, string> = {}): Promise<RedisStreamsPubSub> {
  const ps = createRedisPubSub({ logger });
  await ps.init({ redisHost: HOST, consumerID, ...FAST, ...metadata }, { appId: 'unit-app', cwd: process.cwd() });
  open.push(ps);
  return ps;
}

function collect(into: string[], result: HandlerResult = 'success') {
  return async (m: Message): Promise<HandlerResult> => {
    into.push(text(m));
    return result;
  };
}

async function pending(t: string, g: string): Promise<number> {
  return ((await raw.call('XPENDING', t, g)) as [number])[0];
}

describe('pubsub.redis init', () => {
  it('fails fast naming redisHost when nothing listens there', async () => {
    const ps = createRedisPubSub({ logger });
    await expect(ps.init({ redisHost: '127.0.0.1:1', dialTimeout: '2s' }, { appId: 'a', cwd: '.' })).rejects.toThrow(
      /redis streams: error connecting to redis at 127\.0\.0\.1:1 \(metadata redisHost\)/,
    );
    await ps.close();
  });

});

describe('pubsub.redis publish and deliver', () => {
  withRedis('publishes in Dapr\'s stream layout: data bytes, metadata as JSON', async () => {
    const ps = await broker(group());
    const t = topic();
    await ps.publish({ topic: t, data: Buffer.from('{"x":1}'), metadata: { 'x-tenant': 'acme' } });
    await ps.publish({ topic: t, data: Buffer.from('plain') });
    const entries = (await raw.xrange(t, '-', '+')).map(([, fields]) => fields);
    expect(entries).toEqual([['data', '{"x":1}', 'metadata', '{"x-tenant":"acme"}'], ['data', 'plain']]);
  });

  withRedis('trims with maxLenApprox (XADD MAXLEN ~)', async () => {
    const ps = await broker(group(), { maxLenApprox: '10' });
    const t = topic();
    for (let i = 0; i < 500; i++) await ps.publish({ topic: t, data: Buffer.from(String(i)) });
    expect(await raw.xlen(t)).toBeLessThan(250);
    const before = await raw.xlen(t);
    const ttl = await broker(group(), { streamTTL: '1h' });
    await ttl.publish({ topic: t, data: Buffer.from('with-minid') });
    // MINID ~ (now - 1h) keeps every fresh entry and appends the new one.
    expect(await raw.xlen(t)).toBe(before + 1);
    expect((await raw.xrevrange(t, '+', '-', 'COUNT', 1))[0]?.[1]).toEqual(['data', 'with-minid']);
  });

  withRedis('delivers bytes and metadata; a new group starts from the oldest entry', async () => {
    const g = group();
    const ps = await broker(g);
    const t = topic();
    await ps.publish({ topic: t, data: Buffer.from('before'), metadata: { k: 'v' } });
    const got: Message[] = [];
    await ps.subscribe({ topic: t }, async (m) => {
      got.push(m);
      return 'success';
    });
    await ps.publish({ topic: t, data: Buffer.from([0, 1, 0xff]) });
    await waitFor('two deliveries', () => got.length === 2);
    expect(text(got[0] as Message)).toBe('before');
    expect(got[0]?.metadata).toEqual({ k: 'v' });
    expect(got[0]?.topic).toBe(t);
    expect(got[1]?.data.equals(Buffer.from([0, 1, 0xff]))).toBe(true);
    await waitFor('the acks', async () => (await pending(t, g)) === 0);
    expect(await raw.call('XINFO', 'CONSUMERS', t, g)).toHaveLength(1);
    await ps.close(); // a consumer with nothing pending leaves the group
    expect(await raw.call('XINFO', 'CONSUMERS', t, g)).toEqual([]);
  });

  withRedis('every group gets every message; members of one group share them', async () => {
    const t = topic();
    const [g1, g2] = [group(), group()];
    const a: string[] = [];
    const b: string[] = [];
    const other: string[] = [];
    const pub = await broker(g1);
    await (await broker(g1)).subscribe({ topic: t }, collect(a));
    await (await broker(g1)).subscribe({ topic: t }, collect(b));
    await (await broker(g2)).subscribe({ topic: t }, collect(other));
    for (let i = 0; i < 200; i++) await pub.publish({ topic: t, data: Buffer.from(String(i)) });
    await waitFor('all deliveries', () => a.length + b.length === 200 && other.length === 200);
    expect(new Set([...a, ...b]).size).toBe(200);
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    await waitFor('both groups acked', async () => (await pending(t, g1)) === 0 && (await pending(t, g2)) === 0);
  });
});

describe('pubsub.redis results', () => {
  withRedis('retry (or a throwing handler) redelivers quickly; success then acks', async () => {
    const g = group();
    const ps = await broker(g, { processingTimeout: '10s', redeliverInterval: '10s' });
    const t = topic();
    const seen = new Map<string, number>();
    await ps.subscribe({ topic: t }, async (m) => {
      const k = text(m);
      const count = (seen.get(k) ?? 0) + 1;
      seen.set(k, count);
      if (count < 3) {
        if (k === 'throws') throw new Error('boom');
        return 'retry';
      }
      return 'success';
    });
    const started = Date.now();
    await ps.publish({ topic: t, data: Buffer.from('retry') });
    await ps.publish({ topic: t, data: Buffer.from('throws') });
    await waitFor('third attempts', () => seen.get('retry') === 3 && seen.get('throws') === 3);
    // In-process backoff (100 ms, 200 ms), far sooner than processingTimeout.
    expect(Date.now() - started).toBeLessThan(3000);
    await waitFor('the acks', async () => (await pending(t, g)) === 0);
  });

  withRedis('drop acknowledges the entry (nothing left pending)', async () => {
    const g = group();
    const ps = await broker(g);
    const t = topic();
    const got: string[] = [];
    await ps.subscribe({ topic: t }, collect(got, 'drop'));
    await ps.publish({ topic: t, data: Buffer.from('x') });
    await waitFor('the ack', async () => got.length === 1 && (await pending(t, g)) === 0);
  });

  withRedis('an always-failing message keeps being redelivered by the pending scan', async () => {
    const g = group();
    const ps = await broker(g, { processingTimeout: '200ms', redeliverInterval: '50ms' });
    const t = topic();
    const got: string[] = [];
    await ps.subscribe({ topic: t }, collect(got, 'retry'));
    await ps.publish({ topic: t, data: Buffer.from('poison') });
    // 1 + 5 local retries, then the scan takes over.
    await waitFor('more than seven attempts', () => got.length > 7, { timeoutMs: 8000 });
    expect(await pending(t, g)).toBe(1);
  });

  withRedis('with redeliverInterval 0 a retried message is not redelivered', async () => {
    const g = group();
    const ps = await broker(g, { redeliverInterval: '0' });
    const t = topic();
    const got: string[] = [];
    await ps.subscribe({ topic: t }, collect(got, 'retry'));
    await ps.publish({ topic: t, data: Buffer.from('once') });
    await waitFor('the delivery', () => got.length === 1);
    await new Promise((r) => setTimeout(r, 600));
    expect(got).toEqual(['once']);
    expect(await pending(t, g)).toBe(1);
  });
});

describe('pubsub.redis recovery', () => {
  withRedis('claims what a dead consumer left pending', async () => {
    const g = group();
    const t = topic();
    await raw.call('XGROUP', 'CREATE', t, g, '0', 'MKSTREAM');
    for (const v of ['a', 'b', 'c']) await raw.xadd(t, '*', 'data', v);
    // A consumer that read the entries, then died (kill -9) before acknowledging them.
    await raw.call('XREADGROUP', 'GROUP', g, 'dead-consumer', 'COUNT', 10, 'STREAMS', t, '>');
    expect(await pending(t, g)).toBe(3);
    const ps = await broker(g);
    const got: string[] = [];
    await ps.subscribe({ topic: t }, collect(got));
    await waitFor('the reclaimed deliveries', () => got.length === 3, { timeoutMs: 5000 });
    expect(got.sort()).toEqual(['a', 'b', 'c']);
    await waitFor('the acks', async () => (await pending(t, g)) === 0);
  });

  withRedis('recreates a consumer group that disappeared (Redis lost its data)', async () => {
    const g = group();
    const ps = await broker(g);
    const t = topic();
    const got: string[] = [];
    await ps.subscribe({ topic: t }, collect(got));
    await ps.publish({ topic: t, data: Buffer.from('first') });
    await waitFor('the first delivery', () => got.length === 1);
    await raw.del(t);
    await waitFor('a delivery after the stream was deleted', async () => {
      await ps.publish({ topic: t, data: Buffer.from('again') });
      return got.includes('again');
    }, { timeoutMs: 8000, intervalMs: 300 });
  });
});

describe('pubsub.redis concurrency and lifecycle', () => {
  withRedis('runs at most `concurrency` handlers at once across subscriptions', async () => {
    const ps = await broker(group(), { concurrency: '3' });
    const [t1, t2] = [topic(), topic()];
    let running = 0;
    let peak = 0;
    let done = 0;
    const handler = async (): Promise<HandlerResult> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      done++;
      return 'success';
    };
    await ps.subscribe({ topic: t1 }, handler);
    await ps.subscribe({ topic: t2 }, handler);
    for (let i = 0; i < 15; i++) {
      await ps.publish({ topic: t1, data: Buffer.from('x') });
      await ps.publish({ topic: t2, data: Buffer.from('y') });
    }
    await waitFor('all handled', () => done === 30);
    expect(peak).toBe(3);
  });

  withRedis('close waits for a running handler and acks it; one still running after the grace is redelivered', async () => {
    const g = group();
    const t = topic();
    const ps = await broker(g, { processingTimeout: '400ms', redeliverInterval: '100ms' });
    let finished = 0;
    const started: string[] = [];
    await ps.subscribe({ topic: t }, async (m) => {
      started.push(text(m));
      await new Promise((r) => setTimeout(r, text(m) === 'slow' ? 800 : 150));
      finished++;
      return 'success';
    });
    await ps.publish({ topic: t, data: Buffer.from('quick') });
    await ps.publish({ topic: t, data: Buffer.from('slow') });
    await waitFor('both handlers to start', () => started.length === 2);
    await ps.close(); // grace = processingTimeout 400 ms
    expect(finished).toBe(1);
    expect(await pending(t, g)).toBe(1);
    expect(await raw.call('XINFO', 'CONSUMERS', t, g)).toHaveLength(1); // still owns the slow one
    const next = await broker(g);
    const again: string[] = [];
    await next.subscribe({ topic: t }, collect(again));
    await waitFor('the redelivery', () => again.length === 1, { timeoutMs: 5000 });
    expect(again).toEqual(['slow']);
  });

  withRedis('publish after close fails clearly', async () => {
    const ps = createRedisPubSub({ logger });
    await ps.init({ redisHost: HOST }, { appId: 'a', cwd: '.' });
    await ps.close();
    await expect(ps.publish({ topic: topic(), data: Buffer.from('x') })).rejects.toThrow(/pubsub\.redis used before init\(\) or after close\(\)/);
  });
});
