/**
 * @module components/bindings/localstorage/confine
 * File operations that cannot be raced out of rootPath. paths.ts checks a name before use, but a
 * symlink swapped in between that check and the open would still lead elsewhere. So every
 * operation here checks the object it actually opened:
 * - on Linux, directories are walked one component at a time, each opened and its real location
 *   read back from `/proc/self/fd/N` before the next component is looked up *through that
 *   descriptor* (`/proc/self/fd/N/<name>`, the openat() of Node). A file is opened (or created with
 *   O_NOFOLLOW, never truncated before the check), unlinked or listed relative to such a pinned
 *   directory, so no later swap can redirect it;
 * - elsewhere (no /proc), the opened descriptor's device and inode are compared with those of the
 *   name's real path, which must lie inside the root; writes keep only the pre-open check there.
 */
import { constants, existsSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, realpath, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { isInside, PathEscapeError } from './paths';

const PROC_FD = '/proc/self/fd';
const { O_RDONLY, O_WRONLY, O_CREAT, O_DIRECTORY = 0, O_NOFOLLOW = 0 } = constants;

/** True where opened descriptors can be resolved and used as directories (Linux). */
export const canPinDirectories = (): boolean => process.platform === 'linux' && existsSync(PROC_FD);

/** A directory under the root, held open; `base` names it for lookups of its children. */
interface PinnedDir {
  base: string;
  real: string;
  close(): Promise<void>;
}

async function fdPath(handle: FileHandle): Promise<string> {
  return readlink(`${PROC_FD}/${handle.fd}`);
}

/** Fails unless the opened object's real path is inside the root (closing it first). */
async function verifyOpened(root: string, fileName: string, handle: FileHandle, fallbackPath: string): Promise<string> {
  let real: string;
  if (canPinDirectories()) {
    real = await fdPath(handle);
  } else {
    real = await realpath(fallbackPath);
    const [opened, named] = await Promise.all([handle.stat(), stat(real)]);
    if (opened.dev !== named.dev || opened.ino !== named.ino) real = '(a file that changed while it was opened)';
  }
  if (!isInside(root, real)) {
    await handle.close();
    throw new PathEscapeError(fileName, root, `it resolves to ${real}`);
  }
  return real;
}

/** Opens `parts` (directories, '' parts skipped) under the root, creating missing ones when asked. */
export async function pinDirectory(root: string, fileName: string, parts: readonly string[], create: boolean): Promise<PinnedDir> {
  if (!canPinDirectories()) {
    const path = join(root, ...parts);
    if (create) await mkdir(path, { recursive: true });
    return { base: path, real: path, close: async () => {} };
  }
  let current = await open(root, O_RDONLY | O_DIRECTORY);
  let real = root;
  try {
    for (const part of parts.filter((p) => p !== '' && p !== '.')) {
      const child = `${PROC_FD}/${current.fd}/${part}`;
      let next: FileHandle;
      try {
        next = await open(child, O_RDONLY | O_DIRECTORY);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw err;
        await mkdir(child).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        });
        next = await open(child, O_RDONLY | O_DIRECTORY);
      }
      await current.close();
      current = next;
      real = await verifyOpened(root, fileName, current, child);
    }
  } catch (err) {
    await current.close().catch(() => {});
    throw err;
  }
  const dir = current;
  return { base: `${PROC_FD}/${dir.fd}`, real, close: () => dir.close() };
}

/** Opens a file for reading and proves it lies inside the root. */
export async function openForRead(root: string, fileName: string, dirParts: readonly string[], name: string): Promise<FileHandle> {
  const dir = await pinDirectory(root, fileName, dirParts, false);
  try {
    const path = join(dir.base, name);
    const handle = await open(path, O_RDONLY);
    await verifyOpened(root, fileName, handle, path);
    return handle;
  } finally {
    await dir.close();
  }
}

/**
 * Opens a file for writing (created when missing) and proves it lies inside the root before it is
 * truncated. A symlink as the last part is followed only when its target already exists inside.
 * Resolves the handle and the file's real path.
 */
export async function openForWrite(root: string, fileName: string, dirParts: readonly string[], name: string): Promise<{ handle: FileHandle; real: string }> {
  const dir = await pinDirectory(root, fileName, dirParts, true);
  try {
    const path = join(dir.base, name);
    let handle: FileHandle;
    try {
      handle = await open(path, O_WRONLY | O_CREAT | O_NOFOLLOW, 0o666);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOOP') throw err;
      handle = await open(path, O_WRONLY).catch(() => {
        throw new PathEscapeError(fileName, root, 'it is a symlink');
      });
    }
    const real = await verifyOpened(root, fileName, handle, path);
    await handle.truncate(0);
    return { handle, real };
  } finally {
    await dir.close();
  }
}

/** Unlinks a file (never a directory) from a pinned directory. */
export async function unlinkInside(root: string, fileName: string, dirParts: readonly string[], name: string): Promise<void> {
  const dir = await pinDirectory(root, fileName, dirParts, false);
  try {
    const path = join(dir.base, name);
    if ((await lstat(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    await unlink(path);
  } finally {
    await dir.close();
  }
}

/** Every non-directory under the pinned directory (symlinks listed, not followed), lexically sorted. */
export async function listInside(root: string, fileName: string, dirParts: readonly string[], shown: string): Promise<string[]> {
  const dir = await pinDirectory(root, fileName, dirParts, false);
  const out: string[] = [];
  try {
    await walk(dir.base, shown, out);
  } finally {
    await dir.close();
  }
  return out;
}

async function walk(base: string, shown: string, out: string[]): Promise<void> {
  const entries = (await readdir(base, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (!e.isDirectory()) {
      out.push(join(shown, e.name));
      continue;
    }
    if (!canPinDirectories()) {
      await walk(join(base, e.name), join(shown, e.name), out);
      continue;
    }
    // Pin the subdirectory (never following a symlink swapped in for it) before reading it.
    const sub = await open(join(base, e.name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW).catch(() => undefined);
    if (!sub) continue;
    try {
      await walk(`${PROC_FD}/${sub.fd}`, join(shown, e.name), out);
    } finally {
      await sub.close();
    }
  }
}
