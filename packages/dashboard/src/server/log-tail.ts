/**
 * @module server/log-tail
 * Reading log files: the last N lines of a file, and a follower that reports lines appended since
 * it started (polling; a file that shrank was replaced and is read again from its start).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** How much of a file's end is read to find its last lines. */
const TAIL_BYTES = 1 << 20;

function splitLines(text: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The last `n` lines of the file (at most the last MiB of it); undefined when it cannot be read. */
export function lastLines(path: string, n: number): string[] | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    const read = readSync(fd, buf, 0, buf.length, start);
    let lines = splitLines(buf.subarray(0, read).toString('utf8'));
    if (start > 0) lines = lines.slice(1); // the first one is cut
    return n <= 0 ? [] : lines.slice(-n);
  } finally {
    closeSync(fd);
  }
}

export class LogFollower {
  private offset: number;
  private decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(readonly path: string, private readonly onLine: (line: string) => void) {
    this.offset = sizeOf(path);
  }

  /** Emits the complete lines appended since the last call. */
  poll(): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        this.offset = 0;
        this.decoder = new StringDecoder('utf8');
        this.pending = '';
      }
      if (size === this.offset) return;
      const buf = Buffer.alloc(Math.min(TAIL_BYTES, size - this.offset));
      while (this.offset < size) {
        const got = readSync(fd, buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (got === 0) break;
        this.offset += got;
        this.pending += this.decoder.write(buf.subarray(0, got));
      }
      const nl = this.pending.lastIndexOf('\n');
      if (nl < 0) return;
      const complete = this.pending.slice(0, nl + 1);
      this.pending = this.pending.slice(nl + 1);
      for (const l of splitLines(complete)) this.onLine(l);
    } finally {
      closeSync(fd);
    }
  }
}

function sizeOf(path: string): number {
  try {
    const fd = openSync(path, 'r');
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}
