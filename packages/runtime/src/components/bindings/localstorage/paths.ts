/**
 * @module components/bindings/localstorage/paths
 * Confines file names to rootPath. A name is refused when it is absolute, contains a `..` segment
 * or a NUL byte, or when an existing part of it (a directory or the file itself) is a symlink that
 * resolves outside the root. Checked before anything is created or written.
 */
import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

export class PathEscapeError extends Error {
  constructor(fileName: string, root: string, why: string) {
    super(`invalid fileName "${fileName}": ${why}; it must stay inside rootPath ${root}`);
    this.name = 'PathEscapeError';
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The real path of `path`, resolving its longest existing prefix (the rest is appended as is). */
export async function realpathOfExisting(path: string): Promise<string> {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = await realpath(current);
      return rest.length === 0 ? real : join(real, ...rest.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(current.slice(parent.length).replace(/^[/\\]+/, ''));
      current = parent;
    }
  }
}

/**
 * Absolute path of `fileName` under the (already real) root, after the lexical and symlink checks.
 * `fileName` '' means the root itself.
 */
export async function securePath(root: string, fileName: string): Promise<string> {
  if (fileName.includes('\0')) throw new PathEscapeError(fileName, root, 'it contains a NUL byte');
  if (isAbsolute(fileName) || /^[A-Za-z]:/.test(fileName)) throw new PathEscapeError(fileName, root, 'absolute paths are not allowed');
  if (fileName.split(/[/\\]/).includes('..')) throw new PathEscapeError(fileName, root, '".." is not allowed');
  const abs = join(root, fileName);
  if (!isInside(root, abs)) throw new PathEscapeError(fileName, root, 'it leads outside the root');
  // Directories on the way (and the file itself, when it is a symlink) must resolve inside the root.
  const parentReal = await realpathOfExisting(dirname(abs));
  if (!isInside(root, parentReal) && abs !== root) throw new PathEscapeError(fileName, root, `it goes through a symlink to ${parentReal}`);
  let stat;
  try {
    stat = await lstat(abs);
  } catch {
    return abs;
  }
  if (stat.isSymbolicLink()) {
    const target = await realpathOfExisting(abs).catch(() => abs);
    if (!isInside(root, target)) throw new PathEscapeError(fileName, root, `it is a symlink to ${target}`);
  }
  return abs;
}

