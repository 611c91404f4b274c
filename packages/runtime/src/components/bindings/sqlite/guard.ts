/**
 * @module components/bindings/sqlite/guard
 * bindings.sqlite runs the SQL an app sends, but only against its configured database file. SQLite
 * itself can be told to write files anywhere the sidecar may: `ATTACH 'path'` creates a database,
 * `VACUUM INTO 'path'` copies the database out, `PRAGMA temp_store_directory` moves temporary files
 * and `load_extension()` loads code. better-sqlite3 has no authorizer hook to veto them, so every
 * statement is tokenised (comments, string literals and quoted identifiers skipped, as SQLite's own
 * tokenizer does) and refused when its bare keywords include one of those — before anything runs.
 */

/** Bare words that end the request, and why (the message tells the app what to do instead). */
const REFUSED_WORDS: ReadonlyMap<string, string> = new Map([
  ['attach', 'ATTACH opens or creates another database file'],
  ['temp_store_directory', 'PRAGMA temp_store_directory moves temporary files to another directory'],
  ['data_store_directory', 'PRAGMA data_store_directory moves database files to another directory'],
  ['load_extension', 'load_extension() loads native code'],
]);

export class RefusedStatementError extends Error {
  constructor(why: string) {
    super(`statement refused: ${why}; bindings.sqlite only works on its configured database file (connectionString)`);
    this.name = 'RefusedStatementError';
  }
}

/** The bare (unquoted, uncommented) words of `sql`, lower-cased, one array per `;`-separated statement. */
export function statementWords(sql: string): string[][] {
  const statements: string[][] = [[]];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(sql, i, c);
    } else if (c === '[') {
      const end = sql.indexOf(']', i);
      i = end === -1 ? n : end + 1;
    } else if (c === ';') {
      statements.push([]);
      i++;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j] as string)) j++;
      (statements[statements.length - 1] as string[]).push(sql.slice(i, j).toLowerCase());
      i = j;
    } else {
      i++;
    }
  }
  return statements.filter((s) => s.length > 0);
}

/** Index after the quoted run starting at `start` (a doubled quote is an escaped one). */
function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  for (;;) {
    const end = sql.indexOf(quote, i);
    if (end === -1) return sql.length;
    if (sql[end + 1] === quote) {
      i = end + 2;
      continue;
    }
    return end + 1;
  }
}

/** Throws RefusedStatementError when any statement in `sql` could create or open a file elsewhere. */
export function assertStatementAllowed(sql: string): void {
  for (const words of statementWords(sql)) {
    for (const w of words) {
      const why = REFUSED_WORDS.get(w);
      if (why) throw new RefusedStatementError(why);
    }
    const vacuum = words.indexOf('vacuum');
    if (vacuum !== -1 && words.indexOf('into', vacuum) !== -1) throw new RefusedStatementError('VACUUM INTO writes a copy of the database to another file');
  }
}
