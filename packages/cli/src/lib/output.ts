/**
 * @module lib/output
 * Where commands print: plain lines on stdout/stderr that tests and README steps can match.
 * Commands take an optional Output so unit tests can capture what they print.
 */

export interface Output {
  /** One line (a newline is added) on stdout. */
  out(line: string): void;
  /** One line on stderr. */
  err(line: string): void;
  /** Bytes as they come (app output, which may hold partial lines). */
  raw(stream: 'stdout' | 'stderr', chunk: string | Buffer): void;
}

export function processOutput(): Output {
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    raw: (stream, chunk) => void (stream === 'stdout' ? process.stdout : process.stderr).write(chunk),
  };
}

/** An Output that records everything (for tests). */
export function captureOutput(): Output & { stdout(): string; stderr(): string; lines(): string[] } {
  let out = '';
  let err = '';
  return {
    out: (line) => void (out += `${line}\n`),
    err: (line) => void (err += `${line}\n`),
    raw: (stream, chunk) => void (stream === 'stdout' ? (out += String(chunk)) : (err += String(chunk))),
    stdout: () => out,
    stderr: () => err,
    lines: () => (out + err).split('\n').filter((l) => l !== ''),
  };
}

/**
 * Splits a byte stream into lines (handles chunks that end mid-line and `\r\n`); `flush()` emits a
 * trailing partial line.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; flush(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += String(chunk);
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        onLine(pending.slice(0, nl).replace(/\r$/, ''));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
    },
    flush() {
      if (pending !== '') onLine(pending.replace(/\r$/, ''));
      pending = '';
    },
  };
}

/** How long a partial line (a prompt, say) may wait for its end before it is written anyway. */
export const PARTIAL_LINE_WAIT_MS = 50;

/**
 * Passes an app's output through a whole line at a time, so that the sidecar's lines printed in
 * between never land in the middle of an app's line (an app may write a line's text and its newline
 * in two writes). Bytes are kept as they are (no re-encoding); a partial line is written once no more
 * output arrives for `waitMs`, so prompts still show; `flush()` writes what is left.
 */
export function wholeLineWriter(write: (chunk: Buffer) => void, waitMs = PARTIAL_LINE_WAIT_MS): { push(chunk: Buffer | string): void; flush(): void } {
  let pending: Buffer = Buffer.alloc(0);
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const rest = pending;
    pending = Buffer.alloc(0);
    write(rest);
  };
  return {
    push(chunk) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      pending = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
      const end = pending.lastIndexOf(0x0a);
      if (end >= 0) {
        const lines = pending.subarray(0, end + 1);
        pending = pending.subarray(end + 1);
        write(lines);
      }
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (pending.length > 0) {
        timer = setTimeout(flush, waitMs);
        timer.unref();
      }
    },
    flush,
  };
}
