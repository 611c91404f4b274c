/**
 * @module components/state/postgresql
 * state.postgresql (alias state.postgres): state in one PostgreSQL table, in the spirit of
 * components-contrib's postgresql v1 store. ETags are UUIDs (new per write); conditional writes are
 * single statements checked by rowCount; transactions run on one pooled client; TTL rows are
 * invisible once expired and deleted by a periodic cleanup coordinated through the metadata table
 * (schema.ts); the query API is translated into parameterised SQL over the jsonb `value` column
 * (query.ts).
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
  type QueryRequest,
  type QueryResponse,
  type QueryableStateStore,
  type SetRequest,
  type TransactionOperation,
  type TransactionalStateStore,
} from '../contract';
import { decodePostgresMetadata, parseConnectionString, type PostgresStateMetadata } from './metadata';
import { buildQuery } from './query';
import { cleanupExpired, createTables, NOT_EXPIRED, type Queryable, type Row } from './schema';
import { checkETag, describe, rfc3339, toJsonb, ttlSeconds } from './values';

const COMPONENT = 'state.postgresql';
const FEATURES = [STATE_FEATURES.ETAG, STATE_FEATURES.TRANSACTIONAL, STATE_FEATURES.QUERY_API, STATE_FEATURES.TTL] as const;

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
      await createTables(pool, this.metaOrThrow());
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
    const { clauses, values, limit, offset } = buildQuery(req);
    const text = `SELECT key, data, etag FROM ${this.table} ${clauses}`;
    const res = await this.run(() => this.db().query(text, values));
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
    return cleanupExpired(this.db(), meta);
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
