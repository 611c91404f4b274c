/**
 * @module components/bindings/postgresql
 * bindings.postgresql (alias bindings.postgres), an output binding with Dapr's operations:
 * - `exec` runs request metadata `sql` with `params` (a JSON array bound as $1…$n, never spliced
 *   into the text) and answers no data plus metadata `rows-affected`;
 * - `query` answers the rows as a JSON array of row arrays (`[[1,"a"]]`, see ./types for values);
 * - `close` closes the pool; later calls fail with "component is closed".
 * exec and query both add metadata operation, sql, start-time, end-time and duration (the shared
 * handling is ../sql-operations).
 * Upstream: components-contrib bindings/postgres/postgres.go.
 */
import pg from 'pg';
import type { InvokeRequest, InvokeResponse, OutputBinding } from '../contract';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import { describeError, invokeSql, SQL_OPERATIONS, type SqlDriver } from '../sql-operations';
import { parsePostgresBindingMetadata } from './metadata';
import { BINDING_TYPES } from './types';

/** Parameters as pg sends them: objects as JSON text (a JSON array stays a PostgreSQL array). */
function toPgParam(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return JSON.stringify(v);
  return v;
}

export class PostgresBinding implements OutputBinding {
  private pool?: pg.Pool;
  private closed = false;
  private target = '';

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, _ctx?: InitContext): Promise<void> {
    if (this.closed) throw new Error('cannot initialize a previously-closed component');
    const s = parsePostgresBindingMetadata(metadata);
    this.target = s.target.display;
    const pool = new pg.Pool({
      host: s.target.host,
      port: s.target.port,
      user: s.target.user,
      password: s.target.password,
      database: s.target.database,
      ssl: s.target.ssl,
      max: s.maxConns,
      idleTimeoutMillis: s.connectionMaxIdleTimeMs ?? 30000,
      connectionTimeoutMillis: s.timeoutMs,
      keepAlive: true,
      application_name: 'minidaprd',
    });
    // An idle client whose server went away emits here; without a listener the process would crash.
    pool.on('error', (err) => this.logger.warn({ err: describeError(err) }, `PostgreSQL connection lost (${this.target}); reconnecting on next use`));
    try {
      await pool.query({ text: 'SELECT 1', query_timeout: s.timeoutMs } as pg.QueryConfig);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new Error(`postgres binding: failed to ping the DB at ${this.target}: ${describeError(err)}`, { cause: err });
    }
    this.pool = pool;
  }

  operations(): readonly string[] {
    return SQL_OPERATIONS;
  }

  features(): readonly string[] {
    return [];
  }

  invoke(req: InvokeRequest): Promise<InvokeResponse | undefined> {
    return invokeSql(req, {
      driver: () => (this.closed || !this.pool ? undefined : this.driverFor(this.pool)),
      close: () => this.close(),
      toParam: toPgParam,
    });
  }

  private driverFor(pool: pg.Pool): SqlDriver {
    // Several statements without parameters run in one round trip; like pgx, the last one answers.
    const run = async (sql: string, params: unknown[]): Promise<pg.QueryResult | undefined> => {
      const config = { text: sql, values: params, rowMode: 'array', types: BINDING_TYPES };
      const result = (await pool.query(config as unknown as pg.QueryArrayConfig)) as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(result) ? result[result.length - 1] : result;
    };
    return {
      exec: async (sql, params) => (await run(sql, params))?.rowCount ?? 0,
      query: async (sql, params) => ((await run(sql, params))?.rows ?? []) as unknown[][],
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }
}

export function createPostgresBinding(ctx: FactoryContext): PostgresBinding {
  return new PostgresBinding(ctx.logger);
}
