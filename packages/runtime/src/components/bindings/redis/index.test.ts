/** bindings.redis against the real Redis at 127.0.0.1:6379 (skipped with a visible line when it is not running). */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { requireService } from '@minidapr/testkit';
import { deleteRedisKeys } from '../../../../test/support/redis';
import { MetadataError } from '../../errors';
import { createRedisBinding, type RedisBinding } from '.';
import { parseRedisBindingMetadata, requestTtlSeconds } from './metadata';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const init = { appId: 'redis-binding-unit', cwd: process.cwd() };
const prefix = `minidapr-test:bindings-redis-unit:${randomUUID()}:`;
let n = 0;
const key = () => `${prefix}${++n}`;

let up = false;
let binding: RedisBinding;
let raw: Redis;

const invoke = (operation: string, metadata: Record<string, string>, data = '') => binding.invoke({ operation, data: Buffer.from(data), metadata });

function withRedis(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    if (up) await fn();
  });
}

beforeAll(async () => {
  up = await requireService('Redis', '127.0.0.1', 6379);
  if (!up) return;
  binding = createRedisBinding(ctx);
  await binding.init({ redisHost: '127.0.0.1:6379' }, init);
  raw = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await raw.connect();
});

afterAll(async () => {
  if (!up) return;
  await deleteRedisKeys(`${prefix}*`);
  await binding.close();
  await raw.quit();
});

describe('metadata', () => {
  it('uses the Redis connection fields and names this component in errors', () => {
    expect(() => parseRedisBindingMetadata({})).toThrow(MetadataError);
    expect(() => parseRedisBindingMetadata({})).toThrow('component bindings.redis: metadata field "redisHost" is required');
    expect(parseRedisBindingMetadata({ redisHost: 'cache:6380', redisDB: '2' })).toMatchObject({ host: 'cache', port: 6380, db: 2 });
  });

  it('validates ttlInSeconds as Dapr does', () => {
    expect(requestTtlSeconds({})).toBeUndefined();
    expect(requestTtlSeconds({ ttlInSeconds: '' })).toBeUndefined();
    expect(requestTtlSeconds({ ttlInSeconds: '30' })).toBe(30);
    expect(() => requestTtlSeconds({ ttlInSeconds: 'soon' })).toThrow("ttlInSeconds value must be a valid integer: actual is 'soon'");
    expect(() => requestTtlSeconds({ ttlInSeconds: '0' })).toThrow('ttlInSeconds value must be higher than zero: actual is 0');
  });

  it('fails init naming redisHost when Redis is unreachable', async () => {
    const b = createRedisBinding(ctx);
    await expect(b.init({ redisHost: '127.0.0.1:1', dialTimeout: '1s' }, init)).rejects.toThrow(
      /redis binding: error connecting to redis at 127.0.0.1:1 \(metadata redisHost\)/,
    );
  });
});

describe('operations', () => {
  it('lists create, delete, get and increment', () => {
    expect([...createRedisBinding(ctx).operations()]).toEqual(['create', 'delete', 'get', 'increment']);
  });

  withRedis('create stores the bytes; get reads them back; delete removes; get of a missing key is empty', async () => {
    const k = key();
    expect(await invoke('create', { key: k }, '"hello"')).toBeUndefined();
    expect(await raw.get(k)).toBe('"hello"');
    expect((await invoke('get', { key: k }))?.data?.toString()).toBe('"hello"');
    expect(await invoke('delete', { key: k })).toBeUndefined();
    const missing = await invoke('get', { key: k });
    expect(missing?.data?.length).toBe(0);
  });

  withRedis('keeps binary data byte-exact', async () => {
    const k = key();
    const bytes = Buffer.from([0, 255, 1, 254]);
    await binding.invoke({ operation: 'create', data: bytes, metadata: { key: k } });
    expect((await invoke('get', { key: k }))?.data).toEqual(bytes);
  });

  withRedis('create with ttlInSeconds sets an expiry; get with delete=true removes the key', async () => {
    const k = key();
    await invoke('create', { key: k, ttlInSeconds: '100' }, '{"a":1}');
    const ttl = await raw.ttl(k);
    expect(ttl).toBeGreaterThan(90);
    expect((await invoke('get', { key: k, delete: 'true' }))?.data?.toString()).toBe('{"a":1}');
    expect(await raw.exists(k)).toBe(0);
    await expect(invoke('create', { key: k, ttlInSeconds: '-1' }, '1')).rejects.toThrow(/ttlInSeconds value must be higher than zero/);
    expect(await raw.exists(k)).toBe(0);
  });

  withRedis('increment counts up (with an optional expiry) and reports a non-integer value', async () => {
    const k = key();
    await invoke('increment', { key: k });
    await invoke('increment', { key: k, ttlInSeconds: '50' });
    expect(await raw.get(k)).toBe('2');
    expect(await raw.ttl(k)).toBeGreaterThan(40);
    const text = key();
    await invoke('create', { key: text }, '"abc"');
    await expect(invoke('increment', { key: text })).rejects.toThrow(/redis binding: redis at 127.0.0.1:6379: ERR value is not an integer/);
    await expect(invoke('increment', { key: text, ttlInSeconds: '5' })).rejects.toThrow(/ERR value is not an integer/);
  });

  withRedis('requires key and rejects unknown operations', async () => {
    await expect(invoke('get', {})).rejects.toThrow('redis binding: missing key in request metadata');
    await expect(invoke('list', { key: key() })).rejects.toThrow('invalid operation type: list');
  });
});
