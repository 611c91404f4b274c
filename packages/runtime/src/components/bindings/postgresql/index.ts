/**
 * @module components/bindings/postgresql
 * bindings.postgresql (alias bindings.postgres), an output binding with Dapr's operations:
 * - `exec` runs request metadata `sql` with `params` (a JSON array bound as $1…$n, never spliced
 *   into the text) and answers no data plus metadata `rows-affected`;
 * - `query` answers the rows as a JSON array of row arrays (`[[1,"a"]]`, see ./types for values);
 * - `close` closes the pool; later calls fail with "component is closed".
 * exec and query both add metadata operation, sql, start-time, end-time and duration.
 * Upstream: components-contrib bindings/postgres/postgres.go.
 */
import pg from 'pg';
import type { InvokeRequest, InvokeResponse, OutputBinding } from '../contract';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import { parsePostgresBindingMetadata } from './metadata';
import { encodeRows, parseParams, requireSql, startTiming } from './sql-shared';
import { BINDING_TYPES } from './types';

const OPERATIONS = ['exec', 'query', 'close'] as const;

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map((e) => describe(e)).join('; ');
  if (err instanceof Error) return err.message || (err as NodeJS.ErrnoException).code || err.name;
  return String(err);
}

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
    pool.on('error', (err) => this.logger.warn({ err: describe(err) }, `PostgreSQL connection lost (${this.target}); reconnecting on next use`));
    try {
      await pool.query({ text: 'SELECT 1', query_timeout: s.timeoutMs } as pg.QueryConfig);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new Error(`postgres binding: failed to ping the DB at ${this.target}: ${describe(err)}`, { cause: err });
    }
    this.pool = pool;
  }

  operations(): readonly string[] {
    return OPERATIONS;
  }

  features(): readonly string[] {
    return [];
  }

  async invoke(req: InvokeRequest): Promise<InvokeResponse | undefined> {
    // "close" succeeds even when the component is closed already, as in Dapr.
    if (req.operation === 'close') {
      await this.close();
      return undefined;
    }
    const pool = this.pool;
    if (this.closed || !pool) throw new Error('component is closed');
    const sql = requireSql(req.metadata);
    const params = parseParams(req.metadata.params).map(toPgParam);
    if (req.operation !== 'exec' && req.operation !== 'query') {
      throw new Error(`invalid operation type: ${req.operation}. Expected exec, query, or close`);
    }
    const timing = startTiming(req.operation, sql);
    let result: pg.QueryResult | pg.QueryResult[];
    try {
      const config = { text: sql, values: params, rowMode: 'array', types: BINDING_TYPES };
      result = (await pool.query(config as unknown as pg.QueryArrayConfig)) as pg.QueryResult | pg.QueryResult[];
    } catch (err) {
      throw new Error(`error executing query: ${describe(err)}`, { cause: err });
    }
    // Several statements without parameters run in one round trip; like pgx, the last one answers.
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    if (req.operation === 'exec') {
      const metadata = { ...timing.finish(), 'rows-affected': String(last?.rowCount ?? 0) };
      return { metadata };
    }
    const data = encodeRows((last?.rows ?? []) as unknown[][]);
    return { data, metadata: timing.finish() };
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
