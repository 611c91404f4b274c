/**
 * @module components/bindings/sqlite
 * bindings.sqlite: the embedded twin of bindings.postgresql, with the same operations and response
 * shapes (handled by ../sql-operations), so an app's code is the same against both:
 * - `exec` → no data, metadata `rows-affected`; `query` → a JSON array of row arrays;
 * - `close` closes the database; later calls fail with "component is closed";
 * - `params` (a JSON array) binds `$1`…`$n` (also `?1`…`?n`, or plain `?` placeholders in order);
 *   values are never spliced into the SQL text.
 * Several sidecars may share the file: WAL journal, a busy timeout, and an open path that waits out
 * other processes opening the same file (../../sqlite-connection). Values in query results:
 * INTEGER → number (all 64 bits kept), REAL → number, TEXT → string, BLOB → base64 string, NULL → null.
 * Statements that would write or open other files (ATTACH, VACUUM INTO, …) are refused (./guard).
 */
import type Database from 'better-sqlite3';
import type { InvokeRequest, InvokeResponse, OutputBinding } from '../contract';
import { openSqlite } from '../../sqlite-connection';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import { invokeSql, SQL_OPERATIONS } from '../sql-operations';
import { assertStatementAllowed } from './guard';
import { parseSqliteBindingMetadata } from './metadata';

type Statement = Database.Statement<unknown[], unknown>;

/** A JSON parameter as SQLite binds it: whole numbers as INTEGER, booleans as 0/1, objects and arrays as JSON text. */
function toSqliteParam(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export class SqliteBinding implements OutputBinding {
  private db?: Database.Database;
  private closed = false;

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, ctx: InitContext): Promise<void> {
    if (this.closed) throw new Error('cannot initialize a previously-closed component');
    const s = parseSqliteBindingMetadata(metadata, ctx.cwd);
    this.db = await openSqlite({ file: s.file, busyTimeoutMs: s.busyTimeoutMs, disableWAL: s.disableWAL, logger: this.logger });
    this.logger.debug(`bindings.sqlite using ${s.file}`);
  }

  operations(): readonly string[] {
    return SQL_OPERATIONS;
  }

  features(): readonly string[] {
    return [];
  }

  invoke(req: InvokeRequest): Promise<InvokeResponse | undefined> {
    return invokeSql(req, {
      driver: () => {
        const db = this.db;
        if (this.closed || !db) return undefined;
        return { exec: (sql, params) => this.exec(db, sql, params), query: (sql, params) => this.query(db, sql, params) };
      },
      close: () => this.close(),
      toParam: toSqliteParam,
    });
  }

  private exec(db: Database.Database, sql: string, params: unknown[]): number {
    assertStatementAllowed(sql);
    let stmt: Statement;
    try {
      stmt = db.prepare(sql);
    } catch (err) {
      // A script of several statements without parameters runs as a whole; like pgx, the last one counts.
      if (params.length > 0 || !/more than one statement/.test((err as Error).message)) throw err;
      db.exec(sql);
      return Number(db.prepare('SELECT changes()').pluck().get());
    }
    return Number(bind(params, (args) => stmt.run(...args)).changes);
  }

  private query(db: Database.Database, sql: string, params: unknown[]): unknown[][] {
    assertStatementAllowed(sql);
    const stmt = db.prepare(sql);
    if (!stmt.reader) {
      bind(params, (args) => stmt.run(...args));
      return [];
    }
    stmt.raw(true).safeIntegers(true);
    return bind(params, (args) => stmt.all(...args)) as unknown[][];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const db = this.db;
    this.db = undefined;
    db?.close();
  }
}

/**
 * Binds `$n` / `?n` placeholders by number (better-sqlite3 names them "1", "2", …); when the SQL uses
 * plain `?` placeholders instead, binds the same values in order. Binding fails before anything runs.
 */
function bind<T>(params: unknown[], call: (args: unknown[]) => T): T {
  if (params.length === 0) {
    try {
      return call([]);
    } catch (err) {
      const message = (err as Error).message;
      if (/Missing named parameter|Too few parameter values/.test(message)) throw new Error(`${message}: the SQL has placeholders but request metadata "params" gives no values`);
      throw err;
    }
  }
  const numbered = Object.fromEntries(params.map((v, i) => [String(i + 1), v]));
  try {
    return call([numbered]);
  } catch (err) {
    if (!/Too few parameter values/.test((err as Error).message)) throw err;
    return call(params);
  }
}

export function createSqliteBinding(ctx: FactoryContext): SqliteBinding {
  return new SqliteBinding(ctx.logger);
}
