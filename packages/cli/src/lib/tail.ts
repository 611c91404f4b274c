/**
 * @module lib/tail
 * Reading a growing log file line by line (`minidapr logs [--follow]`): each call reads what was
 * appended since the last one; a file that shrank was replaced and is read again from the start.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { lineSplitter } from './output';

/** Largest slice read at once, so a big log never needs one big buffer. */
const CHUNK = 1 << 20;

export class FileTail {
  readonly path: string;
  private offset = 0;
  private decoder = new StringDecoder('utf8');
  private readonly lines: ReturnType<typeof lineSplitter>;

  constructor(path: string, onLine: (line: string) => void) {
    this.path = path;
    this.lines = lineSplitter(onLine);
  }

  /** Emits the complete lines appended since the last call; false when the file cannot be read. */
  readNew(): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return false;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        this.offset = 0;
        this.decoder = new StringDecoder('utf8');
      }
      const buf = Buffer.alloc(Math.min(CHUNK, Math.max(0, size - this.offset)));
      while (this.offset < size) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, size - this.offset), this.offset);
        if (n === 0) break;
        this.offset += n;
        this.lines.push(this.decoder.write(buf.subarray(0, n)));
      }
      return true;
    } finally {
      closeSync(fd);
    }
  }

  /** Emits a last line that has no newline yet. */
  flush(): void {
    this.lines.push(this.decoder.end());
    this.lines.flush();
  }
}
