/**
 * @module components/sqlite-driver
 * The one place that loads better-sqlite3. Version 12 is the last that runs on Node 20 (13 crashes
 * there), while on Node 24.19 and later version 12 aborts the process whenever a garbage-collected
 * statement is finalised outside a JavaScript context (`Assertion failed: (env) != nullptr` in
 * node::RemoveEnvironmentCleanupHook, from its node::ObjectWrap destructors); 13 fixes that and needs
 * Node 22. So the runtime depends on 12 and, as an optional dependency named `better-sqlite3-v13`,
 * on 13, which npm leaves out on Node 20 (its engines say >= 22): on Node 22 and later 13 is used.
 * Both have the same API. Loaded on first use, so nothing native loads unless a SQLite component does.
 */
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteDatabaseConstructor = typeof BetterSqlite3;

/** The package name of the build for Node 22 and later (an npm alias of better-sqlite3@13). */
export const MODERN_DRIVER = 'better-sqlite3-v13';
export const LEGACY_DRIVER = 'better-sqlite3';

export interface DriverChoice {
  name: string;
  /** Why the modern build is not used on a Node that wants it, when it is not. */
  warning?: string;
}

function nodeMajor(version: string): number {
  return Number(version.split('.')[0]);
}

function isMissing(err: unknown, name: string): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === 'MODULE_NOT_FOUND' && String(e.message).includes(`'${name}'`);
}

/**
 * Which build to load on Node `version`; `resolve` tells whether a package is installed (throws
 * MODULE_NOT_FOUND otherwise, like require.resolve).
 */
export function chooseDriver(version: string, resolve: (name: string) => unknown): DriverChoice {
  if (nodeMajor(version) < 22) return { name: LEGACY_DRIVER };
  try {
    resolve(MODERN_DRIVER);
    return { name: MODERN_DRIVER };
  } catch (err) {
    if (!isMissing(err, MODERN_DRIVER)) throw err;
    return {
      name: LEGACY_DRIVER,
      warning:
        `${MODERN_DRIVER} (better-sqlite3 13) is not installed, so SQLite components use better-sqlite3 12, which can abort ` +
        `the process on Node ${version}; reinstall the dependencies with this Node version (npm ci) to get it`,
    };
  }
}

let loaded: { Database: SqliteDatabaseConstructor; choice: DriverChoice } | undefined;

/** The better-sqlite3 constructor for this Node, loaded once. */
export function sqliteDriver(): { Database: SqliteDatabaseConstructor; choice: DriverChoice } {
  if (!loaded) {
    const choice = chooseDriver(process.versions.node, (n) => require.resolve(n));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the package is chosen at run time
    loaded = { Database: require(choice.name) as SqliteDatabaseConstructor, choice };
  }
  return loaded;
}

/** Opens a database with the build for this Node (see the module comment). */
export function openDatabase(file: string, options?: BetterSqlite3.Options): SqliteDatabase {
  return new (sqliteDriver().Database)(file, options);
}
