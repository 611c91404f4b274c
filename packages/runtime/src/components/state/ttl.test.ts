/**
 * The shared ttlInSeconds parser, and every state store using it (issue 12): the same values are
 * refused everywhere with the same message, a refused save or transaction leaves nothing behind, and
 * the largest accepted TTL can be read back. Redis and PostgreSQL are the real servers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { requireService } from '@minidapr/testkit';
import { deleteRedisKeys } from '../../../test/support/redis';
import { PG_TEST_CONN, usePostgres } from '../../../test/support/postgres';
import type { TransactionalStateStore } from './contract';
import { createInMemoryStateStore } from './in-memory';
import { createPostgresStateStore } from './postgresql';
import { createRedisStateStore } from './redis';
import { WRITE_SCRIPT } from './redis/scripts';
import { createSqliteStateStore } from './sqlite';
import { expiresAtMs, MAX_TTL_SECONDS, parseTtl, parseTtlValue, TtlError } from './ttl';

jest.setTimeout(20000);

const logger = { debug() {}, info() {}, warn() {}, error() {} };
const v = (x: unknown) => Buffer.from(JSON.stringify(x));
const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
const REDIS_PREFIX = `minidapr-test:ttl-shared:${suffix}:`;

describe('parseTtl', () => {
  it.each([
    ['-1', -1],
    ['0', 0],
    ['60', 60],
    ['+7', 7],
    [String(MAX_TTL_SECONDS), MAX_TTL_SECONDS],
  ])('accepts %j', (raw, n) => expect(parseTtl({ ttlInSeconds: raw })).toBe(n));

  it('treats an absent or empty value as "not given"', () => {
    expect(parseTtl(undefined)).toBeUndefined();
    expect(parseTtl({})).toBeUndefined();
    expect(parseTtl({ ttlInSeconds: '' })).toBeUndefined();
  });

  it.each([
    ['1.5', `strconv.ParseInt: parsing "1.5": invalid syntax`],
    ['1s', `strconv.ParseInt: parsing "1s": invalid syntax`],
    [' 5', `strconv.ParseInt: parsing " 5": invalid syntax`],
    ['0x10', `strconv.ParseInt: parsing "0x10": invalid syntax`],
    ['99999999999999999999', `strconv.ParseInt: parsing "99999999999999999999": value out of range`],
    ['-2', 'must be -1 or greater'],
    ['-5', 'must be -1 or greater'],
    ['2147483648', 'must be at most 2147483647'],
    ['99999999999999999', 'must be at most 2147483647'],
  ])('refuses %j like Dapr', (raw, problem) => {
    expect(() => parseTtlValue(raw)).toThrow(new TtlError(problem));
    expect(() => parseTtl({ ttlInSeconds: raw })).toThrow(`incorrect value for metadata 'ttlInSeconds': ${problem}`);
  });

  it('turns a TTL into an expiry only when it is positive', () => {
    expect(expiresAtMs(undefined, 1000)).toBeUndefined();
    expect(expiresAtMs(-1, 1000)).toBeUndefined();
    expect(expiresAtMs(0, 1000)).toBeUndefined();
    expect(expiresAtMs(2, 1000)).toBe(3000);
  });
});

// ---- every store -------------------------------------------------------------------------------

let dir = '';
let redisUp = false;
const pg = usePostgres();
const PG_TABLE = pg.dropAfterAll(`ttl_state_${suffix}`);
const PG_META = pg.dropAfterAll(`ttl_meta_${suffix}`);
const open: TransactionalStateStore[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'minidapr-ttl-'));
  redisUp = await requireService('Redis', '127.0.0.1', 6379);
});

afterAll(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  if (redisUp) await deleteRedisKeys(`${REDIS_PREFIX}*`);
  rmSync(dir, { recursive: true, force: true });
});

type Opener = () => Promise<TransactionalStateStore | undefined>;
const app = () => ({ appId: 'ttl', cwd: dir });
const STORES: Array<[string, Opener, string]> = [
  ['state.in-memory', async () => createInMemoryStateStore({ logger }), ''],
  [
    'state.sqlite',
    async () => {
      const s = createSqliteStateStore({ logger });
      await s.init({ connectionString: 'ttl.db', cleanupInterval: '0' }, app());
      return s;
    },
    '',
  ],
  [
    'state.redis',
    async () => {
      if (!redisUp) return undefined;
      const s = createRedisStateStore({ logger });
      await s.init({ redisHost: '127.0.0.1:6379' }, app());
      return s;
    },
    REDIS_PREFIX,
  ],
  [
    'state.postgresql',
    async () => {
      if (!pg.up) return undefined;
      const s = createPostgresStateStore({ logger });
      await s.init({ connectionString: PG_TEST_CONN, tableName: PG_TABLE, metadataTableName: PG_META, cleanupInterval: '0' }, app());
      return s;
    },
    'ttl||',
  ],
];

describe.each(STORES)('%s with ttlInSeconds', (_name, openStore, prefix) => {
  let store: TransactionalStateStore | undefined;
  beforeAll(async () => {
    store = await openStore();
    if (store) open.push(store);
  });
  const key = (k: string) => `${prefix}${k}-${randomUUID()}`;

  it.each(['99999999999999999', '2147483648', '-5', '-2', '1.5', 'foo'])('refuses %j with the shared message and stores nothing', async (ttl) => {
    if (!store) return;
    const k = key('bad');
    await expect(store.set({ key: k, value: v('x'), metadata: { ttlInSeconds: ttl } })).rejects.toThrow(`incorrect value for metadata 'ttlInSeconds'`);
    expect(await store.get({ key: k })).toBeUndefined();
  });

  it('refuses a transaction with one bad TTL as a whole', async () => {
    if (!store) return;
    const [a, b, c] = [key('a'), key('b'), key('c')];
    await store.set({ key: c, value: v('before') });
    await expect(
      store.multi([
        { operation: 'upsert', request: { key: a, value: v('a') } },
        { operation: 'delete', request: { key: c } },
        { operation: 'upsert', request: { key: b, value: v('b'), metadata: { ttlInSeconds: '99999999999999999' } } },
      ]),
    ).rejects.toThrow(`incorrect value for metadata 'ttlInSeconds'`);
    expect(await store.get({ key: a })).toBeUndefined();
    expect(await store.get({ key: b })).toBeUndefined();
    expect((await store.get({ key: c }))?.data.toString()).toBe('"before"');
  });

  it('keeps and reads back the largest TTL, and 0 and -1 as "never expires"', async () => {
    if (!store) return;
    const k = key('max');
    await store.set({ key: k, value: v('x'), metadata: { ttlInSeconds: String(MAX_TTL_SECONDS) } });
    const expiry = Date.parse((await store.get({ key: k }))?.metadata?.ttlExpireTime ?? '');
    expect(Math.abs(expiry - (Date.now() + MAX_TTL_SECONDS * 1000))).toBeLessThan(120_000);
    for (const ttl of ['0', '-1']) {
      await store.set({ key: k, value: v(ttl), metadata: { ttlInSeconds: ttl } });
      const got = await store.get({ key: k });
      expect(got?.data.toString()).toBe(JSON.stringify(ttl));
      expect(got?.metadata?.ttlExpireTime).toBeUndefined();
    }
  });
});

describe('state.redis write script', () => {
  it('refuses a TTL Redis would reject before writing anything (defence behind the parser)', async () => {
    if (!redisUp) return;
    const raw = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await raw.connect();
    try {
      const [a, b] = [`${REDIS_PREFIX}script-a`, `${REDIS_PREFIX}script-b`];
      const args = ['set', '', '0', '"a"', '60', 'set', '', '0', '"b"', '99999999999999999'];
      await expect(raw.eval(WRITE_SCRIPT, 2, a, b, ...args)).rejects.toThrow(/BADTTL 2/);
      expect(await raw.exists(a, b)).toBe(0);
    } finally {
      await raw.quit();
    }
  });
});
