/** The statement guard of bindings.sqlite, and the probe of issue 12 through the binding itself. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import { createSqliteBinding, type SqliteBinding } from '.';
import { assertStatementAllowed, RefusedStatementError, statementWords } from './guard';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };
const dir = tempDir('minidapr-bindings-sqlite-guard-');
let b: SqliteBinding;

beforeAll(async () => {
  b = createSqliteBinding(ctx);
  await b.init({ connectionString: join(dir.path, 'db', 'app.db') }, { appId: 'app', cwd: dir.path });
});

afterAll(async () => {
  await b.close();
  dir.remove();
});

const run = (operation: string, sql: string) => b.invoke({ operation, data: Buffer.from('null'), metadata: { sql } });

describe('statementWords', () => {
  it('skips comments, string literals and quoted identifiers and splits on ;', () => {
    const sql = `SELECT 'attach;' , "vacuum" -- attach\n, [into], \`x\` /* ATTACH */ FROM t; Vacuum; pragma x='it''s'`;
    expect(statementWords(sql)).toEqual([['select', 'from', 't'], ['vacuum'], ['pragma', 'x']]);
  });
});

describe('assertStatementAllowed', () => {
  it.each([
    "ATTACH DATABASE '/tmp/x.db' AS x",
    "attach 'x.db' as x",
    "SELECT 1; ATTACH 'x.db' AS x",
    "/* hi */ATTACH/**/'x.db' AS x",
    "VACUUM INTO '/tmp/copy.db'",
    "vacuum main into 'copy.db'",
    "VACUUM\n-- comment\nINTO 'copy.db'",
    "PRAGMA temp_store_directory = '/tmp'",
    "PRAGMA data_store_directory = '/tmp'",
    "SELECT load_extension('/tmp/evil.so')",
  ])('refuses %j', (sql) => expect(() => assertStatementAllowed(sql)).toThrow(RefusedStatementError));

  it.each([
    'VACUUM',
    "INSERT INTO t (a) VALUES ('ATTACH x; VACUUM INTO y')",
    'SELECT "attach" FROM t',
    'PRAGMA journal_mode',
    'DETACH DATABASE x',
  ])('allows %j', (sql) => expect(() => assertStatementAllowed(sql)).not.toThrow());
});

describe('bindings.sqlite refuses statements that write files elsewhere (issue 12 probe)', () => {
  it.each([
    ['exec', `VACUUM INTO '${join(dir.path, 'stolen.db')}'`, 'VACUUM INTO'],
    ['query', `VACUUM INTO '${join(dir.path, 'stolen.db')}'`, 'VACUUM INTO'],
    ['exec', `ATTACH DATABASE '${join(dir.path, 'elsewhere.db')}' AS e; CREATE TABLE e.t (x)`, 'ATTACH'],
    ['query', `ATTACH '${join(dir.path, 'elsewhere.db')}' AS e`, 'ATTACH'],
    ['exec', `PRAGMA temp_store_directory = '${dir.path}'`, 'temp_store_directory'],
  ])('%s %j', async (operation, sql, what) => {
    await expect(run(operation, sql)).rejects.toThrow(new RegExp(`error executing query: statement refused: .*${what}.*only works on its configured database file`));
    expect(existsSync(join(dir.path, 'stolen.db'))).toBe(false);
    expect(existsSync(join(dir.path, 'elsewhere.db'))).toBe(false);
    expect(readdirSync(dir.path).sort()).toEqual(['db']);
  });

  it('still runs ordinary statements, including a plain VACUUM', async () => {
    await run('exec', "CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('attach me')");
    await run('exec', 'VACUUM');
    expect((await run('query', 'SELECT a FROM t'))?.data?.toString()).toBe('[["attach me"]]');
  });
});
