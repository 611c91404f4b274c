/**
 * @module components/state/postgresql/schema
 * The tables of state.postgresql and the statements that manage them: creating the state and
 * metadata tables at start-up, and the TTL cleanup coordinated through the metadata table.
 *
 * Columns: key (primary key), value (jsonb, for queries), data (bytea, the exact bytes returned),
 * isbinary (data is not JSON), etag, insertdate, updatedate, expiredate.
 */
import type pg from 'pg';
import type { PostgresStateMetadata } from './metadata';
import { describe } from './values';

/** SQL condition true for a row that has not expired (expired rows are invisible until cleaned up). */
export const NOT_EXPIRED = '(expiredate IS NULL OR expiredate > now())';

/** Anything with `query()`: the pool, or one client inside a transaction. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
}

/** The columns the store reads back. */
export interface Row {
  key: string;
  data: Buffer;
  etag: string;
  expiredate: Date | null;
}

/** Creates the state and metadata tables if missing, then checks that the state table has the expected columns. */
export async function createTables(pool: pg.Pool, meta: PostgresStateMetadata): Promise<void> {
  const client = await pool.connect();
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
    await pool.query(`SELECT key, value, data, isbinary, etag, expiredate FROM ${meta.tableName} LIMIT 0`);
  } catch (err) {
    throw new Error(`table ${meta.tableName} exists but lacks the expected columns (${describe(err)}); use another tableName`, { cause: err });
  }
}

/** Deletes expired rows if no instance sharing the table did so within the interval; resolves to the rows deleted. */
export async function cleanupExpired(db: Queryable, meta: PostgresStateMetadata): Promise<number> {
  // The metadata row acts as a lock: only the instance whose upsert succeeds cleans this round.
  const claim = await db.query(
    `INSERT INTO ${meta.metadataTableName} AS m (key, value) VALUES ($1, now()::text)
     ON CONFLICT (key) DO UPDATE SET value = now()::text
     WHERE m.value::timestamptz <= now() - $2::float8 * interval '1 millisecond'`,
    [`last-cleanup-${meta.tableName}`, meta.cleanupIntervalMs * 0.9],
  );
  if (claim.rowCount === 0) return 0;
  const res = await db.query(`DELETE FROM ${meta.tableName} WHERE expiredate IS NOT NULL AND expiredate <= now()`);
  return res.rowCount ?? 0;
}
