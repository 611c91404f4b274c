/**
 * @module components/bindings/sql-operations
 * The operations the SQL output bindings (bindings.postgresql, bindings.sqlite) answer alike, over a
 * small driver each binding supplies:
 * - `close` closes the component (and succeeds when it is closed already, as in Dapr);
 * - `exec` and `query` need request metadata `sql`, bind `params` (a JSON array) and fail with
 *   "component is closed" after a close; any other operation is refused with Dapr's message;
 * - `exec` answers no data plus metadata `rows-affected`; `query` answers the rows as a JSON array
 *   of row arrays; both add metadata operation, sql, start-time, end-time and duration.
 * Upstream: components-contrib bindings/postgres/postgres.go.
 */
import type { InvokeRequest, InvokeResponse } from './contract';
import { encodeRows, parseParams, requireSql, startTiming } from './sql-shared';

export const SQL_OPERATIONS = ['exec', 'query', 'close'] as const;

/** What one SQL binding runs against its database; errors thrown here are reported as query errors. */
export interface SqlDriver {
  /** Runs `sql` and resolves with the number of rows it changed. */
  exec(sql: string, params: unknown[]): Promise<number> | number;
  /** Runs `sql` and resolves with the rows it returned, each as an array of column values. */
  query(sql: string, params: unknown[]): Promise<unknown[][]> | unknown[][];
}

export interface SqlBindingHooks {
  /** The open driver, or undefined once the component is closed (or never initialised). */
  driver(): SqlDriver | undefined;
  /** Closes the component. */
  close(): Promise<void>;
  /** One decoded `params` value as this database binds it. */
  toParam(value: unknown): unknown;
}

/** Error text for messages; Node's AggregateError (several addresses tried) has an empty message. */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map((e) => describeError(e)).join('; ');
  // Duck-typed, not instanceof: driver errors may come from another realm (jest, native addons).
  if (typeof err === 'object' && err !== null && typeof (err as Error).message === 'string') {
    const e = err as NodeJS.ErrnoException;
    return e.message || e.code || e.name;
  }
  return String(err);
}

/** Runs one binding request (`exec`, `query` or `close`) through `hooks`. */
export async function invokeSql(req: InvokeRequest, hooks: SqlBindingHooks): Promise<InvokeResponse | undefined> {
  if (req.operation === 'close') {
    await hooks.close();
    return undefined;
  }
  const driver = hooks.driver();
  if (!driver) throw new Error('component is closed');
  const sql = requireSql(req.metadata);
  const params = parseParams(req.metadata.params).map((v) => hooks.toParam(v));
  if (req.operation !== 'exec' && req.operation !== 'query') {
    throw new Error(`invalid operation type: ${req.operation}. Expected exec, query, or close`);
  }
  const timing = startTiming(req.operation, sql);
  let rows: unknown[][];
  try {
    if (req.operation === 'exec') {
      const changed = await driver.exec(sql, params);
      return { metadata: { ...timing.finish(), 'rows-affected': String(changed) } };
    }
    rows = await driver.query(sql, params);
  } catch (err) {
    throw new Error(`error executing query: ${describeError(err)}`, { cause: err });
  }
  return { data: encodeRows(rows), metadata: timing.finish() };
}
