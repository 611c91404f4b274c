/** state.redis against the real Redis at 127.0.0.1:6379 (skipped with a visible line when it is not running). */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { requireService, waitFor } from '@minidapr/testkit';
import { deleteRedisKeys } from '../../../../test/support/redis';
import { ETagInvalidError, ETagMismatchError, MetadataError } from '../../errors';
import { createRedisStateStore, type RedisStateStore } from '.';
import { parseRedisStateMetadata } from './metadata';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const init = { appId: 'redis-unit', cwd: process.cwd() };
const HOST = '127.0.0.1:6379';
const prefix = `minidapr-test:state-redis-unit:${randomUUID()}:`;
const v = (s: unknown) => Buffer.from(JSON.stringify(s));
let n = 0;
const key = () => `${prefix}${++n}`;

let up = false;
let store: RedisStateStore;
let raw: Redis;

beforeAll(async () => {
  up = await requireService('Redis', '127.0.0.1', 6379);
  if (!up) return;
  store = createRedisStateStore(ctx);
  await store.init({ redisHost: HOST }, init);
  raw = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await raw.connect();
});

afterAll(async () => {
  if (!up) return;
  await deleteRedisKeys(`${prefix}*`);
  await store.close();
  await raw.quit();
});

/** A test that needs Redis: passes trivially (after the SKIPPED line) when Redis is missing. */
function withRedis(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    if (!up) return;
    await fn();
  });
}

describe('state.redis metadata', () => {
  it('requires redisHost and names the field', () => {
    expect(() => parseRedisStateMetadata({})).toThrow(MetadataError);
    expect(() => parseRedisStateMetadata({})).toThrow('component state.redis: metadata field "redisHost" is required');
  });

  it('parses host:port, appends redisPort, and decodes typed fields', () => {
    const s = parseRedisStateMetadata({ redisHost: 'cache:6380', redisDB: '2', enableTLS: 'true', dialTimeout: '2s', ttlInSeconds: '60' });
    expect(s).toMatchObject({ host: 'cache', port: 6380, address: 'cache:6380', db: 2, tls: true, dialTimeoutMs: 2000, ttlInSeconds: 60 });
    expect(parseRedisStateMetadata({ redisHost: 'cache', redisPort: '7000' })).toMatchObject({ host: 'cache', port: 7000 });
    expect(parseRedisStateMetadata({ redisHost: '[::1]:6390' })).toMatchObject({ host: '::1', port: 6390, address: '[::1]:6390' });
    expect(parseRedisStateMetadata({ redisHost: 'h:1', keyPrefix: 'name', actorStateStore: 'true' }).host).toBe('h');
  });

  it('names the field of a wrong value', () => {
    expect(() => parseRedisStateMetadata({ redisHost: 'h:port' })).toThrow(/"redisHost" has an invalid port/);
    expect(() => parseRedisStateMetadata({ redisHost: 'h', redisPort: '99999' })).toThrow(/"redisPort" has an invalid port/);
    expect(() => parseRedisStateMetadata({ redisHost: 'h:1', redisDB: 'one' })).toThrow(/"redisDB" must be a number/);
    expect(() => parseRedisStateMetadata({ redisHost: 'h:1', dialTimeout: 'soon' })).toThrow(/"dialTimeout" must be a duration/);
    expect(() => parseRedisStateMetadata({ redisHost: 'h:1', ttlInSeconds: '1.5' })).toThrow(/"ttlInSeconds" must be a whole number of seconds from -1 to 2147483647$/);
    expect(() => parseRedisStateMetadata({ redisHost: 'h:1', enableTLS: 'maybe' })).toThrow(/"enableTLS" must be true or false/);
  });

  it('rejects cluster and failover modes clearly', () => {
    expect(() => parseRedisStateMetadata({ redisHost: 'h:1', redisType: 'cluster' })).toThrow(/"redisType" is "cluster": Redis Cluster is not supported/);
    expect(() => parseRedisStateMetadata({ redisHost: 'h:1', failover: 'true' })).toThrow(/"failover" is true: Redis Sentinel failover is not supported/);
  });
});

describe('state.redis init', () => {
  it('fails fast naming redisHost when nothing listens there', async () => {
    // Port 1 on loopback: connection refused at once.
    const s = createRedisStateStore(ctx);
    await expect(s.init({ redisHost: '127.0.0.1:1', dialTimeout: '2s' }, init)).rejects.toThrow(
      /error connecting to redis at 127\.0\.0\.1:1 \(metadata redisHost\)/,
    );
    await s.close();
  });

  it('claims ETAG, TRANSACTIONAL and TTL but not QUERY_API', () => {
    expect([...createRedisStateStore(ctx).features()].sort()).toEqual(['ETAG', 'TRANSACTIONAL', 'TTL']);
  });
});

describe('state.redis store', () => {
  withRedis('round-trips bytes in Dapr\'s hash format with version etags from 1', async () => {
    const k = key();
    expect(await store.get({ key: k })).toBeUndefined();
    await store.set({ key: k, value: v({ a: 1 }) });
    const got = await store.get({ key: k });
    expect(got?.data.toString()).toBe('{"a":1}');
    expect(got?.etag).toBe('1');
    expect(got?.metadata).toBeUndefined();
    expect(await raw.hgetall(k)).toEqual({ data: '{"a":1}', version: '1' });
    await store.set({ key: k, value: v('') });
    expect(await store.get({ key: k })).toMatchObject({ data: Buffer.from('""'), etag: '2' });
    const bytes = Buffer.from([0, 1, 0xff, 0xfe]);
    await store.set({ key: k, value: bytes });
    expect((await store.get({ key: k }))?.data.equals(bytes)).toBe(true);
  });

  withRedis('enforces etags: mismatch, invalid, missing key', async () => {
    const k = key();
    await store.set({ key: k, value: v('a') });
    await expect(store.set({ key: k, value: v('b'), etag: '9999999' })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(store.set({ key: k, value: v('b'), etag: 'not-a-number' })).rejects.toBeInstanceOf(ETagInvalidError);
    await expect(store.set({ key: key(), value: v('b'), etag: '1' })).rejects.toBeInstanceOf(ETagMismatchError);
    await store.set({ key: k, value: v('b'), etag: '1' });
    expect(await store.get({ key: k })).toMatchObject({ data: v('b'), etag: '2' });
    await expect(store.set({ key: k, value: v('c'), etag: '1' })).rejects.toBeInstanceOf(ETagMismatchError);
    expect((await store.get({ key: k }))?.data.toString()).toBe('"b"');
  });

  withRedis('first-write: a second write without etag fails, with the current etag it succeeds', async () => {
    const k = key();
    await store.set({ key: k, value: v(1), options: { concurrency: 'first-write' } });
    expect(await raw.hget(k, 'first-write')).toBe('0');
    await expect(store.set({ key: k, value: v(2), options: { concurrency: 'first-write' } })).rejects.toBeInstanceOf(ETagMismatchError);
    // The marker makes daprd refuse etag-less writes too; we do the same.
    await expect(store.set({ key: k, value: v(2) })).rejects.toBeInstanceOf(ETagMismatchError);
    await store.set({ key: k, value: v(2), etag: '1', options: { concurrency: 'first-write' } });
    expect(await store.get({ key: k })).toMatchObject({ data: v(2), etag: '2' });
    await expect(store.set({ key: k, value: v(3), etag: '1', options: { concurrency: 'first-write' } })).rejects.toBeInstanceOf(ETagMismatchError);
    // An existing key without the marker: first-write without etag still fails.
    const plain = key();
    await store.set({ key: plain, value: v(1) });
    await expect(store.set({ key: plain, value: v(2), options: { concurrency: 'first-write' } })).rejects.toBeInstanceOf(ETagMismatchError);
    await store.set({ key: plain, value: v(2) });
  });

  withRedis('deletes with and without etag', async () => {
    const k = key();
    await store.delete({ key: k }); // missing key: no error
    await store.set({ key: k, value: v('a') });
    await expect(store.delete({ key: k, etag: '7' })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(store.delete({ key: k, etag: 'x' })).rejects.toBeInstanceOf(ETagInvalidError);
    expect(await store.get({ key: k })).toMatchObject({ etag: '1' });
    await store.delete({ key: k, etag: '1' });
    expect(await store.get({ key: k })).toBeUndefined();
    expect(await raw.exists(k)).toBe(0);
    await expect(store.delete({ key: k, etag: '1' })).rejects.toBeInstanceOf(ETagMismatchError);
    await store.set({ key: k, value: v('b') });
    await store.delete({ key: k });
    expect(await store.get({ key: k })).toBeUndefined();
  });

  withRedis('transactions apply in order', async () => {
    const [k1, k2, k3] = [key(), key(), key()];
    await store.set({ key: k1, value: v('value1') });
    await store.multi([
      { operation: 'delete', request: { key: k1 } },
      { operation: 'upsert', request: { key: k2, value: v('value2') } },
      { operation: 'delete', request: { key: k2 } },
      { operation: 'upsert', request: { key: k3, value: v('value3') } },
      { operation: 'delete', request: { key: key() } },
    ]);
    expect(await store.get({ key: k1 })).toBeUndefined();
    expect(await store.get({ key: k2 })).toBeUndefined();
    expect(await store.get({ key: k3 })).toMatchObject({ data: v('value3'), etag: '1' });
    // An etag that only becomes right after an earlier operation in the same transaction.
    await store.multi([
      { operation: 'upsert', request: { key: k3, value: v('x'), etag: '1' } },
      { operation: 'upsert', request: { key: k3, value: v('y'), etag: '2' } },
    ]);
    expect(await store.get({ key: k3 })).toMatchObject({ data: v('y'), etag: '3' });
  });

  withRedis('transactions are all or nothing: a stale etag changes nothing', async () => {
    const [a, b, c] = [key(), key(), key()];
    await store.set({ key: a, value: v('a1') });
    await store.set({ key: b, value: v('b1') });
    await expect(
      store.multi([
        { operation: 'upsert', request: { key: a, value: v('a2'), etag: '1' } },
        { operation: 'upsert', request: { key: c, value: v('c1') } },
        { operation: 'delete', request: { key: b, etag: '5' } },
      ]),
    ).rejects.toBeInstanceOf(ETagMismatchError);
    expect(await store.get({ key: a })).toMatchObject({ data: v('a1'), etag: '1' });
    expect(await store.get({ key: b })).toMatchObject({ data: v('b1'), etag: '1' });
    expect(await store.get({ key: c })).toBeUndefined();
    await expect(
      store.multi([
        { operation: 'upsert', request: { key: c, value: v('c1') } },
        { operation: 'upsert', request: { key: a, value: v('a2'), etag: 'bad' } },
      ]),
    ).rejects.toBeInstanceOf(ETagInvalidError);
    expect(await store.get({ key: c })).toBeUndefined();
  });

  withRedis('sets, reports and persists TTLs', async () => {
    const k = key();
    await store.set({ key: k, value: v('a'), metadata: { ttlInSeconds: '3600' } });
    const got = await store.get({ key: k });
    expect(got?.metadata?.ttlExpireTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const at = Date.parse(got?.metadata?.ttlExpireTime as string);
    expect(Math.abs(at - (Date.now() + 3600_000))).toBeLessThan(10_000);
    expect(await raw.ttl(k)).toBeGreaterThan(3500);
    await store.set({ key: k, value: v('b'), metadata: { ttlInSeconds: '-1' } });
    expect(await raw.ttl(k)).toBe(-1);
    expect((await store.get({ key: k }))?.metadata).toBeUndefined();
    // Overwriting without a TTL also removes one.
    await store.set({ key: k, value: v('c'), metadata: { ttlInSeconds: '3600' } });
    await store.set({ key: k, value: v('d') });
    expect(await raw.ttl(k)).toBe(-1);
    await expect(store.set({ key: k, value: v('e'), metadata: { ttlInSeconds: 'foo' } })).rejects.toThrow(/ttlInSeconds/);
    expect((await store.get({ key: k }))?.data.toString()).toBe('"d"');
  });

  withRedis('expires keys', async () => {
    const k = key();
    await store.set({ key: k, value: v('a'), metadata: { ttlInSeconds: '1' } });
    expect(await store.get({ key: k })).toBeDefined();
    await waitFor(`${k} to expire`, async () => (await store.get({ key: k })) === undefined, { timeoutMs: 3000, intervalMs: 100 });
  });

  withRedis('applies the store default TTL from metadata', async () => {
    const s = createRedisStateStore(ctx);
    await s.init({ redisHost: HOST, ttlInSeconds: '120' }, init);
    try {
      const k = key();
      await s.set({ key: k, value: v('a') });
      expect(await raw.ttl(k)).toBeGreaterThan(100);
      await s.set({ key: k, value: v('b'), metadata: { ttlInSeconds: '-1' } });
      expect(await raw.ttl(k)).toBe(-1);
    } finally {
      await s.close();
    }
  });

  withRedis('reads keys written by daprd and rejects foreign types clearly', async () => {
    const k = key();
    await raw.hset(k, 'data', '"from-daprd"', 'version', '41', 'first-write', '0');
    expect(await store.get({ key: k })).toMatchObject({ data: v('from-daprd'), etag: '41' });
    await store.set({ key: k, value: v('ours'), etag: '41' });
    expect(await raw.hgetall(k)).toEqual({ data: '"ours"', version: '42', 'first-write': '0' });
    const list = key();
    await raw.rpush(list, 'x');
    await expect(store.get({ key: list })).rejects.toThrow(/WRONGTYPE/);
  });
});
