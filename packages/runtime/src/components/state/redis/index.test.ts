/**
 * state.redis against the real Redis at 127.0.0.1:6379 (skipped with a visible line when it is not
 * running, a failure under CI=true): the shared state contract, plus metadata parsing, Dapr's hash
 * layout, the first-write marker, TTLs as Redis keeps them and keys written by daprd.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { requireService, runStateContract } from '@minidapr/testkit';
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

runStateContract({
  name: 'state.redis',
  factory: () => createRedisStateStore(ctx),
  metadata: { redisHost: HOST },
  context: () => init,
  available: () => up, // the beforeAll above printed the SKIPPED line (or failed under CI=true)
  keyPrefix: `${prefix}contract||`,
  badEtag: 'not-a-number',
  expectedFeatures: ['ETAG', 'TRANSACTIONAL', 'TTL'],
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

});

describe('state.redis store', () => {
  withRedis("round-trips bytes in Dapr's hash format with version etags from 1", async () => {
    const k = key();
    await store.set({ key: k, value: v({ a: 1 }) });
    const got = await store.get({ key: k });
    expect(got).toMatchObject({ data: Buffer.from('{"a":1}'), etag: '1' });
    expect(got?.metadata).toBeUndefined();
    expect(await raw.hgetall(k)).toEqual({ data: '{"a":1}', version: '1' });
    await store.set({ key: k, value: v('') });
    expect(await store.get({ key: k })).toMatchObject({ data: Buffer.from('""'), etag: '2' });
  });

  withRedis('an etag is a version number: a non-number is invalid, a wrong number a mismatch', async () => {
    const k = key();
    await store.set({ key: k, value: v('a') });
    await expect(store.set({ key: k, value: v('b'), etag: '9999999' })).rejects.toBeInstanceOf(ETagMismatchError);
    await expect(store.set({ key: k, value: v('b'), etag: 'not-a-number' })).rejects.toBeInstanceOf(ETagInvalidError);
    await store.set({ key: k, value: v('b'), etag: '1' });
    expect(await store.get({ key: k })).toMatchObject({ data: v('b'), etag: '2' });
  });

  withRedis('first-write leaves a marker that makes later etag-less writes fail too, as daprd does', async () => {
    const k = key();
    await store.set({ key: k, value: v(1), options: { concurrency: 'first-write' } });
    expect(await raw.hget(k, 'first-write')).toBe('0');
    await expect(store.set({ key: k, value: v(2) })).rejects.toBeInstanceOf(ETagMismatchError);
    await store.set({ key: k, value: v(2), etag: '1', options: { concurrency: 'first-write' } });
    expect(await store.get({ key: k })).toMatchObject({ data: v(2), etag: '2' });
    // An existing key without the marker takes etag-less last-write writes.
    const plain = key();
    await store.set({ key: plain, value: v(1) });
    await store.set({ key: plain, value: v(2) });
  });

  withRedis('delete removes the hash', async () => {
    const k = key();
    await store.set({ key: k, value: v('a') });
    await store.delete({ key: k, etag: '1' });
    expect(await raw.exists(k)).toBe(0);
  });

  withRedis('an etag may become right through an earlier operation of the same transaction', async () => {
    const k = key();
    await store.set({ key: k, value: v('w') });
    await store.multi([
      { operation: 'upsert', request: { key: k, value: v('x'), etag: '1' } },
      { operation: 'upsert', request: { key: k, value: v('y'), etag: '2' } },
    ]);
    expect(await store.get({ key: k })).toMatchObject({ data: v('y'), etag: '3' });
  });

  withRedis('keeps the TTL in Redis: EXPIRE on set, PERSIST on -1 and on an overwrite without TTL', async () => {
    const k = key();
    await store.set({ key: k, value: v('a'), metadata: { ttlInSeconds: '3600' } });
    expect(await raw.ttl(k)).toBeGreaterThan(3500);
    await store.set({ key: k, value: v('b'), metadata: { ttlInSeconds: '-1' } });
    expect(await raw.ttl(k)).toBe(-1);
    await store.set({ key: k, value: v('c'), metadata: { ttlInSeconds: '3600' } });
    await store.set({ key: k, value: v('d') });
    expect(await raw.ttl(k)).toBe(-1);
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
