/** bindings.sqlite on database files in a temp dir. */
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import { MetadataError } from '../../errors';
import { createSqliteBinding, type SqliteBinding } from '.';
import { parseSqliteBindingMetadata } from './metadata';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const dir = tempDir('minidapr-bindings-sqlite-');
const opened: SqliteBinding[] = [];

async function open(metadata: Record<string, string>, cwd = dir.path): Promise<SqliteBinding> {
  const b = createSqliteBinding(ctx);
  opened.push(b);
  await b.init(metadata, { appId: 'app', cwd });
  return b;
}

const run = (b: SqliteBinding, operation: string, sql: string, params?: unknown[]) =>
  b.invoke({ operation, data: Buffer.from('null'), metadata: { sql, ...(params ? { params: JSON.stringify(params) } : {}) } });

afterAll(async () => {
  for (const b of opened) await b.close();
  dir.remove();
});

describe('metadata', () => {
  it('requires connectionString, resolves relative paths against cwd and names this component in errors', () => {
    expect(() => parseSqliteBindingMetadata({}, dir.path)).toThrow(MetadataError);
    expect(() => parseSqliteBindingMetadata({}, dir.path)).toThrow('component bindings.sqlite: metadata field "connectionString" is required');
    expect(() => parseSqliteBindingMetadata({ connectionString: 'x.db', busyTimeout: 'soon' }, dir.path)).toThrow(
      /component bindings.sqlite: metadata field "busyTimeout" must be a duration/,
    );
    expect(parseSqliteBindingMetadata({ connectionString: 'data/orders.db', tableName: 'ignored' }, dir.path)).toEqual({
      file: join(dir.path, 'data', 'orders.db'),
      busyTimeoutMs: 2000,
      disableWAL: false,
    });
  });
});

describe('operations', () => {
  it('exec and query answer the same shapes as bindings.postgresql', async () => {
    const b = await open({ connectionString: 'orders.db' });
    expect([...b.operations()]).toEqual(['exec', 'query', 'close']);
    const created = await run(b, 'exec', 'CREATE TABLE orders (orderid INTEGER, customer TEXT, price REAL)');
    expect(created?.data).toBeUndefined();
    expect(created?.metadata).toMatchObject({ operation: 'exec', 'rows-affected': '0' });
    const ins = await run(b, 'exec', 'INSERT INTO orders (orderid, customer, price) VALUES ($1, $2, $3), ($4, $5, $6)', [1, 'John Smith', 100.32, 2, 'Jane Bond', 15.4]);
    const meta = ins?.metadata as Record<string, string>;
    expect(meta).toMatchObject({ operation: 'exec', 'rows-affected': '2' });
    expect(Object.keys(meta).sort()).toEqual(['duration', 'end-time', 'operation', 'rows-affected', 'sql', 'start-time']);
    expect(meta['start-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    const q = await run(b, 'query', 'SELECT orderid, customer, price FROM orders WHERE orderid >= $1 ORDER BY orderid', [1]);
    expect(q?.data?.toString()).toBe('[[1,"John Smith",100.32],[2,"Jane Bond",15.4]]');
    expect(q?.metadata).toMatchObject({ operation: 'query', sql: expect.stringContaining('SELECT') });
    expect((await run(b, 'query', 'SELECT * FROM orders WHERE orderid = $1', [9]))?.data?.toString()).toBe('[]');
  });

  it('binds $n by number (in any order, repeated), ?n, and plain ? in order; never splices values', async () => {
    const b = await open({ connectionString: ':memory:' });
    expect((await run(b, 'query', 'SELECT $2, $1, $2', ['a', 'b']))?.data?.toString()).toBe('[["b","a","b"]]');
    expect((await run(b, 'query', 'SELECT ?2, ?1', ['a', 'b']))?.data?.toString()).toBe('[["b","a"]]');
    expect((await run(b, 'query', 'SELECT ?, ?', ['a', 'b']))?.data?.toString()).toBe('[["a","b"]]');
    await run(b, 'exec', 'CREATE TABLE t (name TEXT)');
    const evil = "x'); DROP TABLE t; --";
    await run(b, 'exec', 'INSERT INTO t VALUES ($1)', [evil]);
    expect(JSON.parse((await run(b, 'query', 'SELECT name FROM t'))?.data?.toString() ?? '')).toEqual([[evil]]);
  });

  it('encodes values like the postgresql binding (64-bit integers, base64 blobs, booleans as integers)', async () => {
    const b = await open({ connectionString: ':memory:' });
    const q = await run(b, 'query', "SELECT 9007199254740993, 1.5, x'00ff', NULL, 'héllo <b>', $1, $2, typeof($3), $4", [true, 7, 7, { a: 1 }]);
    expect(q?.data?.toString()).toBe('[[9007199254740993,1.5,"AP8=",null,"héllo \\u003cb\\u003e",1,7,"integer","{\\"a\\":1}"]]');
  });

  it('runs a multi-statement script with exec; query on a statement without rows answers []', async () => {
    const b = await open({ connectionString: ':memory:' });
    const r = await run(b, 'exec', 'CREATE TABLE s (v INTEGER); INSERT INTO s VALUES (1); INSERT INTO s VALUES (2), (3);');
    expect(r?.metadata?.['rows-affected']).toBe('2');
    expect((await run(b, 'query', 'UPDATE s SET v = v + 1'))?.data?.toString()).toBe('[]');
    expect((await run(b, 'query', 'SELECT sum(v) FROM s'))?.data?.toString()).toBe('[[9]]');
  });

  it('gives clear errors', async () => {
    const b = await open({ connectionString: ':memory:' });
    await expect(b.invoke({ operation: 'query', data: Buffer.alloc(0), metadata: {} })).rejects.toThrow('required metadata not set: sql');
    await expect(b.invoke({ operation: 'query', data: Buffer.alloc(0), metadata: { sql: 'SELECT 1', params: '{}' } })).rejects.toThrow(
      /invalid metadata property params: failed to unserialize into an array/,
    );
    await expect(run(b, 'query', 'SELEC 1')).rejects.toThrow(/error executing query: near "SELEC"/);
    await expect(run(b, 'query', 'SELECT $1')).rejects.toThrow(/error executing query: Missing named parameters: the SQL has placeholders but request metadata "params" gives no values/);
    await expect(run(b, 'get', 'SELECT 1')).rejects.toThrow('invalid operation type: get. Expected exec, query, or close');
  });

  it('lets two connections (two sidecars) write the same file', async () => {
    const a = await open({ connectionString: 'shared.db' });
    const c = await open({ connectionString: join(dir.path, 'shared.db') });
    await run(a, 'exec', 'CREATE TABLE IF NOT EXISTS n (v INTEGER)');
    await Promise.all([...Array(20).keys()].map((i) => run(i % 2 ? a : c, 'exec', 'INSERT INTO n VALUES ($1)', [i])));
    expect((await run(c, 'query', 'SELECT count(*) FROM n'))?.data?.toString()).toBe('[[20]]');
    expect((await run(a, 'query', 'PRAGMA journal_mode'))?.data?.toString()).toBe('[["wal"]]');
  });

  it('close closes the database; later calls fail and close stays allowed', async () => {
    const b = await open({ connectionString: 'closing.db' });
    expect(await b.invoke({ operation: 'close', data: Buffer.alloc(0), metadata: {} })).toBeUndefined();
    await expect(run(b, 'query', 'SELECT 1')).rejects.toThrow('component is closed');
    expect(await b.invoke({ operation: 'close', data: Buffer.alloc(0), metadata: {} })).toBeUndefined();
  });
});
