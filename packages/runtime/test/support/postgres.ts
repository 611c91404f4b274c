/**
 * @module test/support/postgres
 * The fixture of tests against the real PostgreSQL at 127.0.0.1:5432 (trust auth, database `test`):
 * a beforeAll that checks the server (requireService prints the SKIPPED line, or fails under
 * CI=true) and connects an admin client, tests that run only when it answered, and an afterAll that
 * drops the tables the test created (after the test's own clean-up, `beforeDrop`).
 */
import pg from 'pg';
import { requireService } from '@minidapr/testkit';

/** What a component's `connectionString` names to reach the test database. */
export const PG_TEST_CONN = 'host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable';

export interface PostgresFixture {
  /** True once beforeAll reached the server. */
  readonly up: boolean;
  /** A client for checks and clean-up, connected in beforeAll (only when `up`). */
  readonly admin: pg.Client;
  /** Has `table` dropped after all tests; returns it. */
  dropAfterAll(table: string): string;
  /** A test that runs only when PostgreSQL answered (after the SKIPPED line it passes trivially). */
  it(name: string, fn: () => Promise<void>): void;
}

export interface PostgresFixtureOptions {
  /** Runs in afterAll before the tables are dropped (close the test's pools there). */
  beforeDrop?: () => Promise<void>;
}

/** Registers the hooks; call it at the top of the test file, before its own beforeAll. */
export function usePostgres(o: PostgresFixtureOptions = {}): PostgresFixture {
  let up = false;
  let admin: pg.Client | undefined;
  const tables: string[] = [];

  beforeAll(async () => {
    up = await requireService('PostgreSQL', '127.0.0.1', 5432);
    if (!up) return;
    admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await admin.connect();
  });

  afterAll(async () => {
    await o.beforeDrop?.();
    if (!up || !admin) return;
    for (const t of tables) await admin.query(`DROP TABLE IF EXISTS ${t}`);
    await admin.end();
  });

  return {
    get up() {
      return up;
    },
    get admin() {
      if (!admin) throw new Error('the PostgreSQL admin client is used before beforeAll connected it (or PostgreSQL is not up)');
      return admin;
    },
    dropAfterAll(table) {
      tables.push(table);
      return table;
    },
    it(name, fn) {
      it(name, async () => {
        if (up) await fn();
      });
    },
  };
}
