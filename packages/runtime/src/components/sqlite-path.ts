/**
 * @module components/sqlite-path
 * Where a SQLite database file may live. Kernel file systems and device nodes are no place for one:
 * SQLite's locking and journal files misbehave there, and a synchronous open or read that never
 * returns blocks the sidecar's only thread (it then cannot even handle SIGTERM). So state.sqlite,
 * pubsub.sqlite and bindings.sqlite refuse, at init, a path written under /proc, /sys or /dev or
 * resolving (following symlinks) there (`/proc/self/fd/1` is refused whatever fd 1 is), and an existing path that is not a regular file; `:memory:` is the
 * throwaway database.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { MetadataError } from './errors';

/** Directories a database file may not resolve into. */
export const SQLITE_FORBIDDEN_DIRS = ['/proc', '/sys', '/dev'] as const;

/** The real path of `path`, resolving its longest existing prefix (the rest appended as is). */
function realpathOfExisting(path: string): string {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(basename(current));
      current = parent;
    }
  }
}

function describeKind(path: string): string | undefined {
  let s;
  try {
    s = statSync(path);
  } catch {
    return undefined; // missing: SQLite creates it
  }
  if (s.isFile()) return undefined;
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a named pipe';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Throws a MetadataError naming `component` and `field` when `file` is no place for a database. */
export function checkSqliteFile(component: string, field: string, file: string): void {
  if (file === ':memory:') return;
  const real = realpathOfExisting(file);
  const under = (p: string, d: string): boolean => p === d || p.startsWith(`${d}${sep}`) || p.startsWith(`${d}/`);
  const written = resolve(file);
  const dir = SQLITE_FORBIDDEN_DIRS.find((d) => under(real, d) || under(written, d));
  if (dir) {
    throw new MetadataError(component, field, `resolves to a path under ${dir}, which is not allowed for a database file (${SQLITE_FORBIDDEN_DIRS.join(', ')} are refused; use a file on disk, or :memory:)`);
  }
  const kind = describeKind(real);
  if (kind) throw new MetadataError(component, field, `names ${kind}, not a database file`);
}
