/**
 * @module components/state/sqlite
 * state.sqlite: a durable, embedded store in one SQLite file (better-sqlite3), safe for several
 * sidecar processes sharing the file: WAL journal, a busy timeout, an open path that waits out
 * other processes opening the same file (../../sqlite-connection), and every ETag / first-write
 * check done inside the writing statement (conditional UPDATE / DELETE, INSERT … ON CONFLICT …
 * WHERE) or an IMMEDIATE transaction, so the check and the write are one atomic step.
 *
 * Rows: key (primary key), value (TEXT when the bytes are UTF-8 JSON, else BLOB with is_binary = 1),
 * etag (a new UUID per write), expiration_time and update_time (ISO 8601 UTC text; NULL = never).
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ETagMismatchError } from '../../errors';
import { openSqlite } from '../../sqlite-connection';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import {
  STATE_FEATURES,
  type DeleteRequest,
  type GetRequest,
  type GetResponse,
  type QueryRequest,
  type QueryResponse,
  type QueryableStateStore,
  type SetRequest,
  type TransactionOperation,
  type TransactionalStateStore,
} from '../contract';
import { buildQuery } from './query';
import { parseSqliteMetadata, type SqliteConfig } from './metadata';
import { expiresAtMs, parseTtl, TtlError } from '../ttl';

const COMPONENT = 'state.sqlite';
const FEATURES = [STATE_FEATURES.ETAG, STATE_FEATURES.TRANSACTIONAL, STATE_FEATURES.TTL, STATE_FEATURES.QUERY_API] as const;
const SCHEMA_VERSION = '1';
/** Latest expiry we can store as fixed-width ISO text (so text order = time order). */
const MAX_EXPIRY_MS = Date.UTC(9999, 11, 31);
/** setInterval cannot wait longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `ttlInSeconds` (read by the shared parser, ../ttl.ts) → the expiry as ISO text, or null for none. */
export function expiryFor(metadata: Record<string, string> | undefined, nowMs: number): string | null {
  const at = expiresAtMs(parseTtl(metadata), nowMs);
  if (at === undefined) return null;
  if (at > MAX_EXPIRY_MS) throw new TtlError('the expiry would lie beyond the year 9999');
  return new Date(at).toISOString();
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON text stays queryable TEXT; anything else is kept byte-exact as a BLOB. */
function encodeValue(buf: Buffer): { value: string | Buffer; isBinary: 0 | 1 } {
  if (buf.length > 0 && isUtf8(buf)) {
    const text = buf.toString('utf8');
    if (isJson(text)) return { value: text, isBinary: 0 };
  }
  return { value: buf, isBinary: 1 };
}

function decodeValue(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** RFC 3339 UTC without fractional seconds, as Dapr formats ttlExpireTime. */
function rfc3339(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

interface Row {
  key: string;
  value: string | Buffer;
  etag: string;
  expiration_time: string | null;
}

interface WriteParams {
  key: string;
  value: string | Buffer;
  isBinary: 0 | 1;
  etag: string;
  exp: string | null;
  now: string;
  match?: string;
}

type Statement = Database.Statement<unknown[], unknown>;

interface Statements {
  get: Statement;
  upsert: Statement;
  insertIfAbsent: Statement;
  updateIfEtag: Statement;
  delete: Statement;
  deleteIfEtag: Statement;
  deleteExpired: Statement;
  getMeta: Statement;
  setMeta: Statement;
}

export class SqliteStateStore implements TransactionalStateStore, QueryableStateStore {
  private db?: Database.Database;
  private stmts?: Statements;
  private cfg?: SqliteConfig;
  private table = '';
  private timer?: NodeJS.Timeout;
  private runMulti?: (ops: readonly TransactionOperation[]) => void;
  private readonly queryCache = new Map<string, Statement>();

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, ctx: InitContext): Promise<void> {
    const cfg = parseSqliteMetadata(metadata, ctx.cwd);
    const db = await openSqlite({
      file: cfg.file,
      busyTimeoutMs: cfg.busyTimeoutMs,
      disableWAL: cfg.disableWAL,
      schema: (conn) => this.migrate(conn, cfg),
      logger: this.logger,
    });
    try {
      this.stmts = this.prepare(db, cfg);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    this.cfg = cfg;
    this.table = `"${cfg.tableName}"`;
    this.runMulti = db.transaction((ops: readonly TransactionOperation[]) => {
      const now = Date.now();
      for (const op of ops) {
        if (op.operation === 'upsert') this.write(op.request, now);
        else this.remove(op.request, now);
      }
    }).immediate;
    if (cfg.cleanupIntervalMs > 0) {
      this.timer = setInterval(() => {
        try {
          const n = this.cleanupExpired();
          if (n > 0) this.logger.debug(`deleted ${n} expired rows from ${cfg.tableName}`);
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, `cleanup of expired state failed`);
        }
      }, Math.min(cfg.cleanupIntervalMs, MAX_TIMER_MS));
      this.timer.unref();
    }
    this.logger.debug(`state.sqlite using ${cfg.file} (table ${cfg.tableName})`);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.queryCache.clear();
    this.stmts = undefined;
    this.runMulti = undefined;
    const db = this.db;
    this.db = undefined;
    db?.close();
  }

  features(): readonly string[] {
    return FEATURES;
  }

  async get(req: GetRequest): Promise<GetResponse | undefined> {
    const row = this.statements().get.get(req.key, new Date().toISOString()) as Row | undefined;
    if (!row) return undefined;
    const out: GetResponse = { data: decodeValue(row.value), etag: row.etag };
    if (row.expiration_time) out.metadata = { ttlExpireTime: rfc3339(row.expiration_time) };
    return out;
  }

  async set(req: SetRequest): Promise<void> {
    this.write(req, Date.now());
  }

  async delete(req: DeleteRequest): Promise<void> {
    this.remove(req, Date.now());
  }

  /** All operations in one IMMEDIATE transaction, in order; the first failure rolls everything back. */
  async multi(operations: readonly TransactionOperation[]): Promise<void> {
    this.statements();
    if (operations.length === 0) return;
    (this.runMulti as (ops: readonly TransactionOperation[]) => void)(operations);
  }

  async query(req: QueryRequest): Promise<QueryResponse> {
    const db = this.connection();
    const built = buildQuery(this.table, req, new Date().toISOString());
    let stmt = this.queryCache.get(built.sql);
    if (!stmt) {
      stmt = db.prepare(built.sql);
      if (this.queryCache.size >= 100) this.queryCache.clear();
      this.queryCache.set(built.sql, stmt);
    }
    const rows = stmt.all(...built.params) as Row[];
    const more = built.limit !== undefined && rows.length > built.limit;
    const page = more ? rows.slice(0, built.limit) : rows;
    const out: QueryResponse = { results: page.map((r) => ({ key: r.key, data: decodeValue(r.value), etag: r.etag })) };
    if (more) out.token = String(built.offset + page.length);
    return out;
  }

  /**
   * Deletes expired rows unless another process (or this one) already did within the interval;
   * the time of the last run is kept in the metadata table. Returns how many rows were deleted.
   */
  cleanupExpired(force = false): number {
    const db = this.connection();
    const s = this.statements();
    const cfg = this.cfg as SqliteConfig;
    const metaKey = `last-cleanup-${cfg.tableName}`;
    return db.transaction(() => {
      const nowMs = Date.now();
      const last = (s.getMeta.get(metaKey) as { value: string } | undefined)?.value;
      if (!force && last !== undefined && nowMs - Date.parse(last) < cfg.cleanupIntervalMs * 0.9) return 0;
      const n = s.deleteExpired.run(new Date(nowMs).toISOString()).changes;
      s.setMeta.run(metaKey, new Date(nowMs).toISOString());
      return n;
    }).immediate();
  }

  private connection(): Database.Database {
    if (!this.db) throw new Error(`${COMPONENT}: the store is not initialised (or was closed)`);
    return this.db;
  }

  private statements(): Statements {
    this.connection();
    return this.stmts as Statements;
  }

  private write(req: SetRequest, nowMs: number): void {
    const s = this.statements();
    const exp = expiryFor(req.metadata, nowMs);
    const { value, isBinary } = encodeValue(req.value);
    const p: WriteParams = { key: req.key, value, isBinary, etag: randomUUID(), exp, now: new Date(nowMs).toISOString() };
    if (req.etag) {
      if (s.updateIfEtag.run({ ...p, match: req.etag }).changes === 0) throw new ETagMismatchError();
    } else if (req.options?.concurrency === 'first-write') {
      if (s.insertIfAbsent.run(p).changes === 0) throw new ETagMismatchError();
    } else {
      s.upsert.run(p);
    }
  }

  private remove(req: DeleteRequest, nowMs: number): void {
    const s = this.statements();
    if (req.etag) {
      if (s.deleteIfEtag.run({ key: req.key, match: req.etag, now: new Date(nowMs).toISOString() }).changes === 0) {
        throw new ETagMismatchError();
      }
    } else {
      s.delete.run(req.key);
    }
  }

  /** Runs inside openSqlite's IMMEDIATE schema transaction. */
  private migrate(db: Database.Database, cfg: SqliteConfig): void {
    const t = `"${cfg.tableName}"`;
    const meta = `"${cfg.metadataTableName}"`;
    db.exec(`CREATE TABLE IF NOT EXISTS ${meta} (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)`);
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${t} (` +
        'key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL, is_binary INTEGER NOT NULL DEFAULT 0, ' +
        'etag TEXT NOT NULL, expiration_time TEXT DEFAULT NULL, update_time TEXT DEFAULT NULL)',
    );
    db.exec(`CREATE INDEX IF NOT EXISTS "${cfg.tableName}_expiration_time" ON ${t} (expiration_time) WHERE expiration_time IS NOT NULL`);
    db.prepare(`INSERT INTO ${meta} (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`).run(`schema-version-${cfg.tableName}`, SCHEMA_VERSION);
  }

  private prepare(db: Database.Database, cfg: SqliteConfig): Statements {
    const t = `"${cfg.tableName}"`;
    const meta = `"${cfg.metadataTableName}"`;
    const live = '(expiration_time IS NULL OR expiration_time > @now)';
    const insert = `INSERT INTO ${t} (key, value, is_binary, etag, expiration_time, update_time) VALUES (@key, @value, @isBinary, @etag, @exp, @now)`;
    const overwrite =
      'value = excluded.value, is_binary = excluded.is_binary, etag = excluded.etag, ' +
      'expiration_time = excluded.expiration_time, update_time = excluded.update_time';
    return {
      get: db.prepare(`SELECT value, etag, expiration_time FROM ${t} WHERE key = ? AND (expiration_time IS NULL OR expiration_time > ?)`),
      upsert: db.prepare(`${insert} ON CONFLICT (key) DO UPDATE SET ${overwrite}`),
      // First write wins: an existing row blocks the insert unless it has expired.
      insertIfAbsent: db.prepare(
        `${insert} ON CONFLICT (key) DO UPDATE SET ${overwrite} WHERE ${t}.expiration_time IS NOT NULL AND ${t}.expiration_time <= @now`,
      ),
      updateIfEtag: db.prepare(
        `UPDATE ${t} SET value = @value, is_binary = @isBinary, etag = @etag, expiration_time = @exp, update_time = @now ` +
          `WHERE key = @key AND etag = @match AND ${live}`,
      ),
      delete: db.prepare(`DELETE FROM ${t} WHERE key = ?`),
      deleteIfEtag: db.prepare(`DELETE FROM ${t} WHERE key = @key AND etag = @match AND ${live}`),
      deleteExpired: db.prepare(`DELETE FROM ${t} WHERE expiration_time IS NOT NULL AND expiration_time <= ?`),
      getMeta: db.prepare(`SELECT value FROM ${meta} WHERE key = ?`),
      setMeta: db.prepare(`INSERT INTO ${meta} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    };
  }
}

export { parseSqliteMetadata, type SqliteConfig };

export function createSqliteStateStore(ctx: FactoryContext): SqliteStateStore {
  return new SqliteStateStore(ctx.logger);
}

