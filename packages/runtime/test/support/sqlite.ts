/**
 * @module test/support/sqlite
 * The fixture of the state.sqlite unit tests: a fresh temp directory per test, stores opened on
 * `state.db` in it (closed again after the test), and small value and polling helpers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStateStore, type SqliteStateStore } from '../../src/components/state/sqlite';

export const logger = { debug() {}, info() {}, warn() {}, error() {} };
export const v = (x: unknown) => Buffer.from(JSON.stringify(x));
export const json = (b: Buffer | undefined) => (b ? JSON.parse(b.toString('utf8')) : undefined);

export interface SqliteFixture {
  /** The current test's temp directory (the stores' cwd). */
  readonly dir: string;
  /** Opens a store on `state.db` in `dir`, closed after the test. */
  store(metadata?: Record<string, string>): Promise<SqliteStateStore>;
}

/** Registers beforeEach/afterEach hooks that create and remove the temp directory and close the stores. */
export function useSqliteStores(): SqliteFixture {
  let dir = '';
  const open: SqliteStateStore[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'minidapr-sqlite-unit-'));
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  return {
    get dir() {
      return dir;
    },
    async store(metadata: Record<string, string> = {}): Promise<SqliteStateStore> {
      const s = createSqliteStateStore({ logger });
      await s.init({ connectionString: 'state.db', ...metadata }, { appId: 'app', cwd: dir });
      open.push(s);
      return s;
    },
  };
}

export async function waitUntil(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
