/**
 * openSqlite / retryWhileBusy: lock conflicts on the open path are waited out (another connection
 * holds a lock and lets go once the opener has been refused a few times), the WAL switch is skipped
 * on a WAL file, and a lock that outlives the deadline fails with an error naming the file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type SqliteDatabase } from './sqlite-driver';
import { createSqliteBinding } from './bindings/sqlite';
import { createSqlitePubSub } from './pubsub/sqlite';
import { isBusyError, openSqlite, retryWhileBusy, SQLITE_MEMORY } from './sqlite-connection';
import { createSqliteStateStore } from './state/sqlite';
import type { Component, Logger } from './types';

let dir: string;
const open: SqliteDatabase[] = [];

function connect(file: string): SqliteDatabase {
  const db = openDatabase(file, { timeout: 0 });
  open.push(db);
  return db;
}

function busy(code = 'SQLITE_BUSY'): Error {
  return Object.assign(new Error('database is locked'), { code });
}

const createT = (db: SqliteDatabase) => db.exec('CREATE TABLE IF NOT EXISTS t (x INTEGER)');

/** A logger that counts the retry lines and runs `after(count, message)` on each. */
function retryLogger(after: (count: number, message: string) => void = () => undefined): { debug: jest.Mock } {
  let count = 0;
  return { debug: jest.fn((_obj: unknown, message: string) => after(++count, message)) };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'minidapr-sqlite-open-'));
});

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('isBusyError', () => {
  it('matches SQLITE_BUSY, SQLITE_LOCKED and their extended codes only', () => {
    for (const code of ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED', 'SQLITE_LOCKED_SHAREDCACHE']) {
      expect(isBusyError(busy(code))).toBe(true);
    }
    for (const err of [busy('SQLITE_BUSYNESS'), busy('SQLITE_CANTOPEN'), new Error('database is locked'), undefined, null, 'SQLITE_BUSY']) {
      expect(isBusyError(err)).toBe(false);
    }
  });
});

describe('retryWhileBusy', () => {
  it('retries a busy step until it succeeds', async () => {
    let calls = 0;
    const remaining: number[] = [];
    const value = await retryWhileBusy(
      () => {
        if (++calls < 4) throw busy(calls % 2 ? 'SQLITE_BUSY' : 'SQLITE_LOCKED');
        return 'done';
      },
      { deadline: Date.now() + 10_000, beforeAttempt: (ms) => remaining.push(ms) },
    );
    expect(value).toBe('done');
    expect(calls).toBe(4);
    expect(remaining).toHaveLength(4);
    expect(remaining.every((ms) => ms > 0 && ms <= 10_000)).toBe(true);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const step = () => {
      calls++;
      throw Object.assign(new Error('no such table: x'), { code: 'SQLITE_ERROR' });
    };
    await expect(retryWhileBusy(step, { deadline: Date.now() + 10_000 })).rejects.toThrow('no such table: x');
    expect(calls).toBe(1);
  });

  it('gives up with the busy error once the deadline has passed', async () => {
    let calls = 0;
    const started = Date.now();
    const step = () => {
      calls++;
      throw busy();
    };
    await expect(retryWhileBusy(step, { deadline: started + 150 })).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(calls).toBeGreaterThan(1);
  });
});

describe('openSqlite', () => {
  it('switches a fresh file to WAL while a writer holds it, once the writer lets go', async () => {
    const file = join(dir, 'fresh.db');
    const holder = connect(file);
    holder.exec('BEGIN IMMEDIATE');
    // The race the busy timeout does not cover: SQLite refuses the WAL switch at once, without
    // waiting, while another connection holds the write lock.
    const started = Date.now();
    const racer = connect(file);
    racer.pragma('busy_timeout = 5000');
    expect(() => racer.pragma('journal_mode = WAL')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    expect(Date.now() - started).toBeLessThan(2500);

    const logger = retryLogger((n) => n === 3 && holder.exec('COMMIT'));
    const db = await openSqlite({ file, busyTimeoutMs: 20, waitMs: 10_000, schema: createT, logger });
    open.push(db);
    expect(logger.debug).toHaveBeenCalledTimes(3);
    expect(logger.debug).toHaveBeenCalledWith({ err: 'database is locked' }, `${file} is locked by another connection while switching to WAL; retrying`);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('busy_timeout', { simple: true })).toBe(20);
    db.prepare('INSERT INTO t (x) VALUES (1)').run();
    expect(holder.prepare('SELECT x FROM t').pluck().all()).toEqual([1]);
  });

  it('waits for a writer before creating the schema (BEGIN IMMEDIATE)', async () => {
    const file = join(dir, 'wal.db');
    const holder = connect(file);
    holder.pragma('journal_mode = WAL');
    holder.exec('BEGIN IMMEDIATE');
    const steps: string[] = [];
    const logger = retryLogger((n, message) => {
      steps.push(message);
      if (n === 2) holder.exec('COMMIT');
    });
    const db = await openSqlite({ file, busyTimeoutMs: 20, waitMs: 10_000, schema: createT, logger });
    open.push(db);
    expect(steps).toEqual(Array(2).fill(`${file} is locked by another connection while creating the schema; retrying`));
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all()).toEqual(['t']);
  });

  it('opens a file already in WAL without waiting, even while another connection is writing', async () => {
    const file = join(dir, 'wal.db');
    const holder = connect(file);
    holder.pragma('journal_mode = WAL');
    holder.exec('CREATE TABLE t (x INTEGER); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)');
    const logger = retryLogger();
    const db = await openSqlite({ file, busyTimeoutMs: 0, waitMs: 10_000, logger });
    open.push(db);
    expect(logger.debug).not.toHaveBeenCalled();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(0); // the writer's row is not committed
  });

  it('fails after the wait with an error naming the file and the step when the lock is never released', async () => {
    const file = join(dir, 'stuck.db');
    const holder = connect(file);
    holder.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const err = (await openSqlite({ file, busyTimeoutMs: 50, waitMs: 300, schema: createT }).catch((e: unknown) => e)) as Error;
    const elapsed = Date.now() - started;
    expect(err.message).toBe(
      `cannot open the SQLite database ${file} (metadata connectionString) while switching to WAL: database is locked; still locked by another connection after 300 ms`,
    );
    expect(isBusyError(err.cause)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(3000);
  });

  it('keeps the rollback journal with disableWAL, and works in memory', async () => {
    const db = await openSqlite({ file: join(dir, 'nested', 'rollback.db'), busyTimeoutMs: 100, disableWAL: true, schema: createT });
    open.push(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    const mem = await openSqlite({ file: SQLITE_MEMORY, busyTimeoutMs: 100, schema: createT });
    open.push(mem);
    expect(mem.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(0);
  });

  it('names the file when it cannot be opened at all, without retrying', async () => {
    writeFileSync(join(dir, 'plain-file'), '');
    const file = join(dir, 'plain-file', 'x.db');
    const logger = retryLogger();
    await expect(openSqlite({ file, busyTimeoutMs: 100, logger })).rejects.toThrow(
      `cannot open the SQLite database ${file} (metadata connectionString) while opening: `,
    );
    expect(logger.debug).not.toHaveBeenCalled();
  });
});

describe('the SQLite components open through it', () => {
  const factories: Array<[string, (ctx: { logger: Logger }) => Component]> = [
    ['state.sqlite', createSqliteStateStore],
    ['pubsub.sqlite', createSqlitePubSub],
    ['bindings.sqlite', createSqliteBinding],
  ];

  it.each(factories)('%s starts on a fresh file that another connection is writing to first', async (_type, create) => {
    const file = join(dir, 'shared.db');
    const holder = connect(file);
    holder.exec('BEGIN IMMEDIATE');
    let retries = 0;
    const quiet = () => undefined;
    const logger: Logger = {
      debug: (_obj, message) => {
        if (typeof message === 'string' && message.endsWith('; retrying') && ++retries === 2) holder.exec('COMMIT');
      },
      info: quiet,
      warn: quiet,
      error: quiet,
    };
    const component = create({ logger });
    await component.init({ connectionString: file }, { appId: 'app', cwd: dir });
    try {
      expect(retries).toBe(2);
      expect(holder.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      await component.close();
    }
  });
});
