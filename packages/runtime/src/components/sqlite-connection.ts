/**
 * @module components/sqlite-connection
 * Opening a SQLite file that several sidecar processes may open at the same moment (state.sqlite,
 * pubsub.sqlite and bindings.sqlite, often all on one file). The busy timeout alone does not cover
 * this path: switching a fresh file to WAL upgrades a read lock to an exclusive one, and SQLite
 * answers SQLITE_BUSY at once, without calling the busy handler, while another connection holds a
 * lock (the same happens when a deferred transaction upgrades to a write). So every step here is
 * retried on SQLITE_BUSY / SQLITE_LOCKED until one deadline, the WAL switch is skipped when the file
 * is already in WAL, and schema changes run in BEGIN IMMEDIATE, which takes the write lock up front
 * where the busy handler does apply.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, sqliteDriver, type SqliteDatabase } from './sqlite-driver';
import type { Logger } from './types';

/** The connection string of a private in-memory database (nothing to share, lock or create). */
export const SQLITE_MEMORY = ':memory:';
/** Initialisation waits at least this long for other connections, even with a shorter busyTimeout. */
export const MIN_OPEN_WAIT_MS = 1000;
const FIRST_BACKOFF_MS = 2;
const MAX_BACKOFF_MS = 50;

/** SQLITE_BUSY or SQLITE_LOCKED, including their extended codes (SQLITE_BUSY_SNAPSHOT, …). */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}

export interface RetryWhileBusyOptions {
  /** Epoch ms after which a busy failure is final. */
  deadline: number;
  /** Runs before every attempt with the time left (e.g. to cap the connection's own busy wait). */
  beforeAttempt?: (remainingMs: number) => void;
  /** Runs after each busy failure that will be retried. */
  onBusy?: (err: Error) => void;
}

/**
 * Runs `step` until it does not fail with SQLITE_BUSY / SQLITE_LOCKED, with a short growing,
 * jittered back-off between attempts (so racing processes fall out of step). Other errors, and a
 * busy error once the deadline has passed, are thrown as they are.
 */
export async function retryWhileBusy<T>(step: () => T, o: RetryWhileBusyOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      o.beforeAttempt?.(Math.max(0, o.deadline - Date.now()));
      return step();
    } catch (err) {
      if (!isBusyError(err) || Date.now() >= o.deadline) throw err;
      o.onBusy?.(err as Error);
    }
    const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.min(attempt, 10));
    await sleep(Math.min(backoff / 2 + Math.random() * (backoff / 2), Math.max(0, o.deadline - Date.now())));
  }
}

export interface OpenSqliteOptions {
  /** Resolved file path, or `:memory:`. Missing parent folders are created. */
  file: string;
  /** The connection's busy timeout for normal operation (metadata busyTimeout). */
  busyTimeoutMs: number;
  /** Keep (or switch back to) the rollback journal instead of WAL (metadata disableWAL). */
  disableWAL?: boolean;
  /** Creates or migrates the schema; runs in one BEGIN IMMEDIATE transaction, retried as a whole. */
  schema?: (db: SqliteDatabase) => void;
  /** How long initialisation may wait for other connections in all; default max(busyTimeoutMs, MIN_OPEN_WAIT_MS). */
  waitMs?: number;
  /** Gets a debug line for each lock conflict that will be retried, and the driver's warning, if any. */
  logger?: Pick<Logger, 'debug'> & Partial<Pick<Logger, 'warn'>>;
}

let driverWarned = false;

/** Says once per process when this Node should have the newer better-sqlite3 build but lacks it. */
function warnAboutDriver(logger: OpenSqliteOptions['logger']): void {
  const warning = sqliteDriver().choice.warning;
  if (!warning || driverWarned || !logger?.warn) return;
  driverWarned = true;
  logger.warn(warning);
}

/**
 * Opens the database and prepares it for sharing: journal mode (WAL unless disabled), synchronous,
 * schema. Concurrent first opens of one fresh file by many processes all succeed; after `waitMs` of
 * lock conflicts, or on any other failure, the error names the file and the step.
 */
export async function openSqlite(o: OpenSqliteOptions): Promise<SqliteDatabase> {
  const waitMs = o.waitMs ?? Math.max(o.busyTimeoutMs, MIN_OPEN_WAIT_MS);
  const deadline = Date.now() + waitMs;
  const memory = o.file === SQLITE_MEMORY;
  let step = 'opening';
  let db: SqliteDatabase | undefined;
  try {
    if (!memory) mkdirSync(dirname(o.file), { recursive: true });
    db = openDatabase(o.file, { timeout: o.busyTimeoutMs });
    warnAboutDriver(o.logger);
    const conn = db;
    // Each attempt's own busy wait ends at the deadline too, so the whole open stays within waitMs.
    const retry: RetryWhileBusyOptions = {
      deadline,
      beforeAttempt: (left) => conn.pragma(`busy_timeout = ${Math.floor(Math.min(o.busyTimeoutMs, left))}`),
      onBusy: (err) => o.logger?.debug({ err: err.message }, `${o.file} is locked by another connection while ${step}; retrying`),
    };
    if (!memory) {
      step = o.disableWAL ? 'setting journal_mode DELETE' : 'switching to WAL';
      await retryWhileBusy(() => useJournal(conn, o.disableWAL ? 'delete' : 'wal'), retry);
      // With WAL, NORMAL loses nothing when a process dies (only on power loss) and skips an fsync per write.
      if (!o.disableWAL) conn.pragma('synchronous = NORMAL');
    }
    const schema = o.schema;
    if (schema) {
      step = 'creating the schema';
      await retryWhileBusy(() => conn.transaction(() => schema(conn)).immediate(), retry);
    }
    conn.pragma(`busy_timeout = ${Math.floor(o.busyTimeoutMs)}`);
    return conn;
  } catch (err) {
    db?.close();
    const busy = isBusyError(err) ? `; still locked by another connection after ${waitMs} ms` : '';
    throw new Error(`cannot open the SQLite database ${o.file} (metadata connectionString) while ${step}: ${(err as Error).message}${busy}`, {
      cause: err,
    });
  }
}

/**
 * Sets the journal mode unless the file already has it (reading the mode only needs a shared lock),
 * so once any process has switched the file to WAL the others skip the switch and its exclusive lock.
 */
function useJournal(db: SqliteDatabase, mode: 'wal' | 'delete'): void {
  if (db.pragma('journal_mode', { simple: true }) === mode) return;
  db.pragma(`journal_mode = ${mode}`);
}
