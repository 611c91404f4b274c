/**
 * bindings.postgresql against the real server at 127.0.0.1:5432, database `test` (skipped with a
 * visible line when it is missing). Each test uses its own randomly named table, dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import { PG_TEST_CONN as CONN, usePostgres } from '../../../../test/support/postgres';
import { MetadataError } from '../../errors';
import { createPostgresBinding, type PostgresBinding } from '.';
import { parsePostgresBindingMetadata } from './metadata';
import { goDuration, parseParams, rfc3339Nano } from '../sql-shared';
import { timestampToRfc3339 } from './types';

jest.setTimeout(20000);

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const app = { appId: 'app', cwd: '.' };
const bindings: PostgresBinding[] = [];
const db = usePostgres({
  beforeDrop: async () => {
    for (const b of bindings) await b.close();
  },
});
const pgIt = db.it;

let binding: PostgresBinding;

function table(): string {
  return db.dropAfterAll(`bind_pg_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
}

async function open(metadata: Record<string, string> = { connectionString: CONN }): Promise<PostgresBinding> {
  const b = createPostgresBinding(ctx);
  bindings.push(b);
  await b.init(metadata, app);
  return b;
}

const run = (b: PostgresBinding, operation: string, sql: string, params?: unknown[]) =>
  b.invoke({ operation, data: Buffer.from('null'), metadata: { sql, ...(params ? { params: JSON.stringify(params) } : {}) } });

beforeAll(async () => {
  if (db.up) binding = await open();
});

describe('metadata', () => {
  it('requires connectionString and accepts the legacy url and pool_max_conns', () => {
    expect(() => parsePostgresBindingMetadata({})).toThrow(MetadataError);
    expect(() => parsePostgresBindingMetadata({})).toThrow(/bindings.postgresql: metadata field "connectionString" is required/);
    const s = parsePostgresBindingMetadata({ url: 'user=postgres password=docker host=localhost port=5432 dbname=orders pool_min_conns=1 pool_max_conns=7' });
    expect(s).toMatchObject({ maxConns: 7, timeoutMs: 20000, target: { host: 'localhost', port: 5432, user: 'postgres', database: 'orders' } });
    expect(parsePostgresBindingMetadata({ connectionString: CONN, timeoutInSeconds: '5' }).timeoutMs).toBe(5000);
    expect(() => parsePostgresBindingMetadata({ connectionString: CONN, maxConns: '0' })).toThrow(/maxConns/);
  });

  it('fails init with the target named when the server is unreachable', async () => {
    const b = createPostgresBinding(ctx);
    await expect(b.init({ connectionString: 'host=127.0.0.1 port=1 user=postgres dbname=test', timeout: '2s' }, app)).rejects.toThrow(
      /failed to ping the DB at postgres@127.0.0.1:1\/test/,
    );
  });
});

describe('helpers', () => {
  it('formats times and durations like Go', () => {
    expect(rfc3339Nano(1_714_557_600_123_456_789n)).toBe('2024-05-01T10:00:00.123456789Z');
    expect(rfc3339Nano(1_714_557_600_000_000_000n)).toBe('2024-05-01T10:00:00Z');
    expect(rfc3339Nano(1_714_557_600_500_000_000n)).toBe('2024-05-01T10:00:00.5Z');
    expect(goDuration(0n)).toBe('0s');
    expect(goDuration(850n)).toBe('850ns');
    expect(goDuration(1_500n)).toBe('1.5µs');
    expect(goDuration(12_345_678n)).toBe('12.345678ms');
    expect(goDuration(2_500_000_000n)).toBe('2.5s');
    expect(goDuration(90_000_000_000n)).toBe('1m30s');
    expect(goDuration(7_200_000_000_000n)).toBe('2h0m0s');
  });

  it('parses params as a JSON array only', () => {
    expect(parseParams(undefined)).toEqual([]);
    expect(parseParams('null')).toEqual([]);
    expect(parseParams('[1,"a",null]')).toEqual([1, 'a', null]);
    expect(() => parseParams('{"a":1}')).toThrow(/invalid metadata property params: failed to unserialize into an array/);
    expect(() => parseParams('[1,')).toThrow(/invalid metadata property params/);
  });

  it('converts PostgreSQL timestamps to UTC RFC 3339', () => {
    expect(timestampToRfc3339('2024-05-01 12:00:00.500+02')).toBe('2024-05-01T10:00:00.5Z');
    expect(timestampToRfc3339('2024-05-01 12:00:00')).toBe('2024-05-01T12:00:00Z');
    expect(timestampToRfc3339('2024-05-01 02:00:00-05:30')).toBe('2024-05-01T07:30:00Z');
    expect(timestampToRfc3339('2024-05-01')).toBe('2024-05-01T00:00:00Z');
    expect(timestampToRfc3339('infinity')).toBe('infinity');
  });
});

describe('operations', () => {
  it('lists exec, query and close', () => {
    expect([...createPostgresBinding(ctx).operations()]).toEqual(['exec', 'query', 'close']);
  });

  pgIt('exec reports rows-affected and timing metadata; query answers row arrays', async () => {
    const t = table();
    const created = await run(binding, 'exec', `CREATE TABLE ${t} (orderid int, customer text, price float8)`);
    expect(created?.data).toBeUndefined();
    expect(created?.metadata).toMatchObject({ operation: 'exec', 'rows-affected': '0' });
    const ins = await run(binding, 'exec', `INSERT INTO ${t} (orderid, customer, price) VALUES ($1, $2, $3), ($4, $5, $6)`, [1, 'John Smith', 100.32, 2, 'Jane Bond', 15.4]);
    const meta = ins?.metadata as Record<string, string>;
    expect(meta).toMatchObject({ operation: 'exec', 'rows-affected': '2', sql: expect.stringContaining('INSERT INTO') });
    expect(meta['start-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    expect((meta['end-time'] as string) >= (meta['start-time'] as string)).toBe(true);
    expect(meta.duration).toMatch(/^[\d.]+(ns|µs|ms|s)$/);
    const q = await run(binding, 'query', `SELECT orderid, customer, price FROM ${t} WHERE orderid >= $1 ORDER BY orderid`, [1]);
    expect(q?.data?.toString()).toBe('[[1,"John Smith",100.32],[2,"Jane Bond",15.4]]');
    expect(q?.metadata).toMatchObject({ operation: 'query' });
    const none = await run(binding, 'query', `SELECT orderid FROM ${t} WHERE orderid = $1`, [99]);
    expect(none?.data?.toString()).toBe('[]');
  });

  pgIt('exec runs a script of several statements without params; the last one reports rows-affected', async () => {
    const t = table();
    const r = await run(binding, 'exec', `CREATE TABLE ${t} (v int); INSERT INTO ${t} VALUES (1); INSERT INTO ${t} VALUES (2), (3);`);
    expect(r?.metadata?.['rows-affected']).toBe('2');
    expect((await run(binding, 'query', `SELECT sum(v) FROM ${t}`))?.data?.toString()).toBe('[[6]]');
  });

  pgIt('never splices params into the SQL text', async () => {
    const t = table();
    await run(binding, 'exec', `CREATE TABLE ${t} (name text)`);
    const evil = `x'); DROP TABLE ${t}; --`;
    await run(binding, 'exec', `INSERT INTO ${t} (name) VALUES ($1)`, [evil]);
    const q = await run(binding, 'query', `SELECT name FROM ${t}`);
    expect(JSON.parse(q?.data?.toString() ?? '')).toEqual([[evil]]);
  });

  pgIt('encodes values as Dapr does (exact numerics, UTC timestamps, base64 bytea, sorted json)', async () => {
    const q = await run(
      binding,
      'query',
      `SELECT 9007199254740993::int8, 12.50::numeric, 'NaN'::numeric, true, NULL::text, '2024-05-01 12:00:00.25+02'::timestamptz,
              '2024-05-01 08:30:00'::timestamp, '2024-05-01'::date, '\\x00ff'::bytea, '{"b":1,"a":"<"}'::jsonb,
              'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, ARRAY[1,2]::int4[], '1 day'::interval`,
    );
    expect(q?.data?.toString()).toBe(
      '[[9007199254740993,12.50,"NaN",true,null,"2024-05-01T10:00:00.25Z","2024-05-01T08:30:00Z","2024-05-01T00:00:00Z","AP8=",{"a":"\\u003c","b":1},' +
        '[160,238,188,153,156,11,78,248,187,109,107,185,189,56,10,17],[1,2],"1 day"]]',
    );
  });

  pgIt('gives clear errors for a missing sql, bad params, bad SQL and unknown operations', async () => {
    await expect(binding.invoke({ operation: 'exec', data: Buffer.alloc(0), metadata: {} })).rejects.toThrow('required metadata not set: sql');
    await expect(binding.invoke({ operation: 'query', data: Buffer.alloc(0), metadata: { sql: 'SELECT $1', params: 'nope' } })).rejects.toThrow(
      /invalid metadata property params/,
    );
    await expect(run(binding, 'query', 'SELEC 1')).rejects.toThrow(/error executing query: syntax error/);
    await expect(run(binding, 'create', 'SELECT 1')).rejects.toThrow('invalid operation type: create. Expected exec, query, or close');
  });

  pgIt('close closes the pool; later calls fail and close stays allowed', async () => {
    const b = await open({ url: CONN });
    expect((await run(b, 'query', 'SELECT 1'))?.data?.toString()).toBe('[[1]]');
    expect(await b.invoke({ operation: 'close', data: Buffer.alloc(0), metadata: {} })).toBeUndefined();
    await expect(run(b, 'query', 'SELECT 1')).rejects.toThrow('component is closed');
    expect(await b.invoke({ operation: 'close', data: Buffer.alloc(0), metadata: {} })).toBeUndefined();
  });
});
