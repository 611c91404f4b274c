/**
 * @module components/state/postgresql
 * state.postgresql (alias state.postgres): state in one PostgreSQL table, in the spirit of
 * components-contrib's postgresql v1 store. ETags are UUIDs (new per write); conditional writes are
 * single statements checked by rowCount; transactions run on one pooled client; TTL rows are
 * invisible once expired and deleted by a periodic cleanup coordinated through the metadata table;
 * the query API is translated into parameterised SQL over the jsonb `value` column.
 *
 * Columns: key (primary key), value (jsonb, for queries), data (bytea, the exact bytes returned),
 * isbinary (data is not JSON), etag, insertdate, updatedate, expiredate.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ETagInvalidError, ETagMismatchError } from '../../errors';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import {
  STATE_FEATURES,
  type DeleteRequest,
  type GetRequest,
  type GetResponse,
  type QueryFilter,
  type QueryRequest,
  type QueryResponse,
  type QueryableStateStore,
  type SetRequest,
  type TransactionOperation,
  type TransactionalStateStore,
} from '../contract';
import { decodePostgresMetadata, parseConnectionString, type PostgresStateMetadata } from './metadata';

const COMPONENT = 'state.postgresql';
const FEATURES = [STATE_FEATURES.ETAG, STATE_FEATURES.TRANSACTIONAL, STATE_FEATURES.QUERY_API, STATE_FEATURES.TTL] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_EXPIRED = '(expiredate IS NULL OR expiredate > now())';

/** Anything with `query()`: the pool, or one client inside a transaction. */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
}

interface Row {
  key: string;
  data: Buffer;
  etag: string;
  expiredate: Date | null;
}

export class PostgresStateStore implements TransactionalStateStore, QueryableStateStore {
  private pool?: pg.Pool;
  private meta?: PostgresStateMetadata;
  private target = '';
  private cleanupTimer?: NodeJS.Timeout;
  private cleanupRunning?: Promise<void>;
  private closed = false;

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, _ctx?: InitContext): Promise<void> {
    const meta = decodePostgresMetadata(COMPONENT, metadata);
    const conn = parseConnectionString(COMPONENT, meta.connectionString);
    this.meta = meta;
    this.target = conn.display;
    const pool = new pg.Pool({
      host: conn.host,
      port: conn.port,
      user: conn.user,
      password: conn.password,
      database: conn.database,
      ssl: conn.ssl,
      max: meta.maxConns ?? 10,
      idleTimeoutMillis: meta.connectionMaxIdleTimeMs ?? 30000,
      connectionTimeoutMillis: meta.timeoutMs,
      query_timeout: meta.timeoutMs,
      keepAlive: true,
      application_name: 'minidaprd',
    });
    // An idle client whose server went away emits here; without a listener the process would crash.
    pool.on('error', (err) => this.logger.warn({ err: describe(err) }, `PostgreSQL connection lost (${this.target}); reconnecting on next use`));
    this.pool = pool;
    try {
      await this.createTables();
    } catch (err) {
      this.pool = undefined;
      await pool.end().catch(() => undefined);
      throw new Error(`cannot initialise PostgreSQL state store at ${this.target}: ${describe(err)}`, { cause: err });
    }
    if (meta.cleanupIntervalMs > 0) {
      this.cleanupTimer = setInterval(() => void this.runCleanup(), meta.cleanupIntervalMs);
      this.cleanupTimer.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    this.cleanupTimer = undefined;
    await this.cleanupRunning;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  features(): readonly string[] {
    return FEATURES;
  }

  async get(req: GetRequest): Promise<GetResponse | undefined> {
    const res = await this.run(() =>
      this.db().query(`SELECT data, etag, expiredate FROM ${this.table} WHERE key = $1 AND ${NOT_EXPIRED}`, [req.key]),
    );
    const row = res.rows[0] as Row | undefined;
    if (!row) return undefined;
    return { data: row.data, etag: row.etag, metadata: row.expiredate ? { ttlExpireTime: rfc3339(row.expiredate) } : undefined };
  }

  async set(req: SetRequest): Promise<void> {
    await this.run(() => this.setWith(this.db(), req));
  }

  async delete(req: DeleteRequest): Promise<void> {
    await this.run(() => this.deleteWith(this.db(), req));
  }

  /** All operations in order inside one SQL transaction; any failure rolls every one back. */
  async multi(operations: readonly TransactionOperation[]): Promise<void> {
    if (operations.length === 0) return;
    await this.run(async () => {
      const client = await this.db().connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        for (const op of operations) {
          if (op.operation === 'upsert') await this.setWith(client, op.request);
          else if (op.operation === 'delete') await this.deleteWith(client, op.request);
          else throw new Error(`unsupported transaction operation ${(op as { operation: string }).operation}`);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
        throw err;
      } finally {
        // A client that could not roll back is in an unknown state: destroy it rather than reuse it.
        client.release(broken);
      }
    });
  }

  async query(req: QueryRequest): Promise<QueryResponse> {
    const sql = new Params();
    const where = [`key LIKE ${sql.add(escapeLike(req.keyPrefix) + '%')} ESCAPE '\\'`, NOT_EXPIRED, 'NOT isbinary'];
    if (req.filter && Object.keys(req.filter).length > 0) where.push(filterSql(req.filter, sql));
    const order = (req.sort ?? []).map((s) => {
      const dir = (s.order ?? 'ASC').toUpperCase();
      if (dir !== 'ASC' && dir !== 'DESC') throw new Error(`query: sort order must be ASC or DESC, got "${s.order}"`);
      return `value #> ${sql.add(jsonPath(s.key))}::text[] ${dir}`;
    });
    order.push('key ASC');
    const limit = req.page?.limit ?? 0;
    if (!Number.isInteger(limit) || limit < 0) throw new Error(`query: page.limit must be a non-negative integer, got ${limit}`);
    const token = req.page?.token ?? '';
    if (token !== '' && !/^\d+$/.test(token)) throw new Error(`query: invalid page token "${token}"`);
    const offset = token === '' ? 0 : Number(token);
    let text = `SELECT key, data, etag FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')}`;
    // One row more than the page tells whether another page exists.
    if (limit > 0) text += ` LIMIT ${sql.add(limit + 1)}`;
    if (offset > 0) text += ` OFFSET ${sql.add(offset)}`;
    const res = await this.run(() => this.db().query(text, sql.values));
    const rows = res.rows as Row[];
    const more = limit > 0 && rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return {
      results: page.map((r) => ({ key: r.key, data: r.data, etag: r.etag })),
      token: more ? String(offset + limit) : undefined,
    };
  }

  /** Deletes expired rows if no instance sharing the table did so within the interval. Exposed for tests. */
  async cleanupExpired(): Promise<number> {
    const meta = this.metaOrThrow();
    const db = this.db();
    // The metadata row acts as a lock: only the instance whose upsert succeeds cleans this round.
    const claim = await db.query(
      `INSERT INTO ${meta.metadataTableName} AS m (key, value) VALUES ($1, now()::text)
       ON CONFLICT (key) DO UPDATE SET value = now()::text
       WHERE m.value::timestamptz <= now() - $2::float8 * interval '1 millisecond'`,
      [`last-cleanup-${meta.tableName}`, meta.cleanupIntervalMs * 0.9],
    );
    if (claim.rowCount === 0) return 0;
    const res = await db.query(`DELETE FROM ${this.table} WHERE expiredate IS NOT NULL AND expiredate <= now()`);
    return res.rowCount ?? 0;
  }

  private async runCleanup(): Promise<void> {
    if (this.cleanupRunning || this.closed) return;
    this.cleanupRunning = this.cleanupExpired()
      .then((n) => {
        if (n > 0) this.logger.debug(`deleted ${n} expired rows from ${this.table}`);
      })
      .catch((err) => this.logger.warn({ err: describe(err) }, `TTL cleanup of ${this.table} failed; will retry`))
      .finally(() => (this.cleanupRunning = undefined));
    await this.cleanupRunning;
  }

  private async setWith(db: Queryable, req: SetRequest): Promise<void> {
    const etag = checkETag(req.etag);
    const { json, isBinary } = toJsonb(req.value);
    const ttl = ttlSeconds(req.metadata);
    const next = randomUUID();
    if (etag !== undefined) {
      const res = await db.query(
        `UPDATE ${this.table} SET value = $2::jsonb, data = $3, isbinary = $4, etag = $5,
           expiredate = now() + $6::float8 * interval '1 second', updatedate = now()
         WHERE key = $1 AND etag = $7 AND ${NOT_EXPIRED}`,
        [req.key, json, req.value, isBinary, next, ttl, etag],
      );
      if (res.rowCount === 0) throw new ETagMismatchError();
      return;
    }
    const firstWrite = req.options?.concurrency === 'first-write';
    // An expired row is invisible, so first-write may replace it; any live row makes it a conflict.
    const expired = 'cur.expiredate IS NOT NULL AND cur.expiredate <= now()';
    const res = await db.query(
      `INSERT INTO ${this.table} AS cur (key, value, data, isbinary, etag, expiredate)
       VALUES ($1, $2::jsonb, $3, $4, $5, now() + $6::float8 * interval '1 second')
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, data = EXCLUDED.data, isbinary = EXCLUDED.isbinary,
         etag = EXCLUDED.etag, expiredate = EXCLUDED.expiredate,
         insertdate = CASE WHEN ${expired} THEN now() ELSE cur.insertdate END,
         updatedate = CASE WHEN ${expired} THEN NULL ELSE now() END
       ${firstWrite ? `WHERE ${expired}` : ''}`,
      [req.key, json, req.value, isBinary, next, ttl],
    );
    if (firstWrite && res.rowCount === 0) throw new ETagMismatchError();
  }

  private async deleteWith(db: Queryable, req: DeleteRequest): Promise<void> {
    const etag = checkETag(req.etag);
    if (etag === undefined) {
      await db.query(`DELETE FROM ${this.table} WHERE key = $1`, [req.key]);
      return;
    }
    const res = await db.query(`DELETE FROM ${this.table} WHERE key = $1 AND etag = $2 AND ${NOT_EXPIRED}`, [req.key, etag]);
    if (res.rowCount === 0) throw new ETagMismatchError();
  }

  private async createTables(): Promise<void> {
    const meta = this.metaOrThrow();
    const client = await this.db().connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      // Serialises concurrent start-ups: CREATE TABLE IF NOT EXISTS alone can race on the catalog.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`minidapr-state-schema-${meta.tableName}`]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${meta.tableName} (
           key text NOT NULL PRIMARY KEY,
           value jsonb NOT NULL,
           data bytea NOT NULL,
           isbinary boolean NOT NULL,
           etag text NOT NULL,
           insertdate timestamp with time zone NOT NULL DEFAULT now(),
           updatedate timestamp with time zone NULL,
           expiredate timestamp with time zone NULL
         )`,
      );
      await client.query(`CREATE INDEX IF NOT EXISTS ${meta.tableName.replace('.', '_')}_expiredate_idx ON ${meta.tableName} (expiredate)`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${meta.metadataTableName} (key text NOT NULL PRIMARY KEY, value text NOT NULL)`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
      throw err;
    } finally {
      client.release(broken);
    }
    try {
      await this.db().query(`SELECT key, value, data, isbinary, etag, expiredate FROM ${meta.tableName} LIMIT 0`);
    } catch (err) {
      throw new Error(`table ${meta.tableName} exists but lacks the expected columns (${describe(err)}); use another tableName`, { cause: err });
    }
  }

  /** Runs one database call; ETag errors pass through, anything else names the store's target. */
  private async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ETagMismatchError || err instanceof ETagInvalidError) throw err;
      throw new Error(`PostgreSQL at ${this.target}: ${describe(err)}`, { cause: err });
    }
  }

  private get table(): string {
    return this.metaOrThrow().tableName;
  }

  private metaOrThrow(): PostgresStateMetadata {
    if (!this.meta) throw new Error(`${COMPONENT} is not initialised`);
    return this.meta;
  }

  private db(): pg.Pool {
    if (!this.pool) throw new Error(`${COMPONENT} is not initialised or already closed`);
    return this.pool;
  }
}

export function createPostgresStateStore(ctx: FactoryContext): PostgresStateStore {
  return new PostgresStateStore(ctx.logger);
}

/** Collects positional parameters: every value reaches PostgreSQL as a parameter, never as SQL text. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const COMPARISONS: Record<string, string> = { EQ: '=', NEQ: '<>', GT: '>', GTE: '>=', LT: '<', LTE: '<=' };

function filterSql(filter: QueryFilter, sql: Params): string {
  const entries = Object.entries(filter as Record<string, unknown>);
  if (entries.length !== 1) throw new Error(`query: each filter must have exactly one operator, got ${JSON.stringify(Object.keys(filter))}`);
  const [op, arg] = entries[0] as [string, unknown];
  if (op === 'AND' || op === 'OR') {
    if (!Array.isArray(arg) || arg.length === 0) throw new Error(`query: ${op} takes a non-empty list of filters`);
    return `(${arg.map((f: QueryFilter) => filterSql(f, sql)).join(` ${op} `)})`;
  }
  if (!(op in COMPARISONS) && op !== 'IN') throw new Error(`query: unknown filter operator "${op}"`);
  const fields = arg !== null && typeof arg === 'object' && !Array.isArray(arg) ? Object.entries(arg) : [];
  if (fields.length !== 1) throw new Error(`query: ${op} takes exactly one field, e.g. {"${op}": {"person.org": …}}`);
  const [path, literal] = fields[0] as [string, unknown];
  if (op === 'IN' && !Array.isArray(literal)) throw new Error(`query: IN on "${path}" takes a list of values`);
  if (op === 'IN' && (literal as unknown[]).length === 0) return 'FALSE';
  const p = `${sql.add(jsonPath(path))}::text[]`;
  if (op !== 'IN') return compareSql(p, op, literal, sql);
  if (!Array.isArray(literal)) throw new Error(`query: IN on "${path}" takes a list of values`);
  return `(${literal.map((v) => compareSql(p, 'EQ', v, sql)).join(' OR ')})`;
}

/** Numbers compare numerically (only against JSON numbers), strings as text, other literals as jsonb. */
function compareSql(path: string, op: string, literal: unknown, sql: Params): string {
  const cmp = COMPARISONS[op] as string;
  if (typeof literal === 'number') {
    return `(CASE WHEN jsonb_typeof(value #> ${path}) = 'number' THEN (value #>> ${path})::numeric END) ${cmp} ${sql.add(literal)}::numeric`;
  }
  if (typeof literal === 'string') return `(value #>> ${path}) ${cmp} ${sql.add(literal)}::text`;
  if (op !== 'EQ' && op !== 'NEQ') throw new Error(`query: ${op} needs a number or a string, got ${JSON.stringify(literal)}`);
  return `(value #> ${path}) ${cmp} ${sql.add(JSON.stringify(literal ?? null))}::jsonb`;
}

function jsonPath(key: string): string[] {
  const parts = key.split('.');
  if (key === '' || parts.some((p) => p === '')) throw new Error(`query: invalid field path "${key}"`);
  return parts;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** undefined = no etag; a non-UUID is invalid (400), never a mismatch. */
function checkETag(etag: string | undefined): string | undefined {
  if (etag === undefined || etag === '') return undefined;
  if (!UUID.test(etag)) throw new ETagInvalidError(`invalid etag value: "${etag}" is not a UUID`);
  return etag.toLowerCase();
}

/** `ttlInSeconds`: absent, empty, 0 or -1 → no expiry (and overwriting clears an old one). */
function ttlSeconds(metadata: Record<string, string> | undefined): number | null {
  const raw = metadata?.ttlInSeconds?.trim();
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!/^-?\d+(\.\d+)?$/.test(raw) || n < -1) throw new Error(`metadata ttlInSeconds must be a number of seconds ≥ -1, got "${raw}"`);
  return n > 0 ? n : null;
}

/** JSON text goes into the jsonb column as is; anything else is flagged binary (value = its base64 as a JSON string). */
function toJsonb(value: Buffer): { json: string; isBinary: boolean } {
  const text = value.toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    return { json: JSON.stringify(value.toString('base64')), isBinary: true };
  }
  // jsonb rejects \u0000 and lone surrogate escapes: keep such a value (still returned verbatim from `data`) out of queries.
  return { json: /\\u(0000|d[89a-f][0-9a-f]{2})/i.test(text) ? 'null' : text, isBinary: false };
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Error text for logs and messages; Node's AggregateError (several addresses tried) has an empty message. */
function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map((e) => describe(e)).join('; ');
  if (err instanceof Error) return err.message || (err as NodeJS.ErrnoException).code || err.name;
  return String(err);
}
