// Helpers for the executable-README runner tests: temp README fixtures and process polling.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fixture {
  dir: string;
  /** Writes `name` (default README.md) into the temp dir and returns its path. */
  readme(markdown: string, name?: string): string;
  path(...parts: string[]): string;
  cleanup(): void;
}

export function makeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'run-readme-'));
  return {
    dir,
    readme(markdown: string, name = 'README.md'): string {
      const file = join(dir, name);
      writeFileSync(file, markdown);
      return file;
    },
    path: (...parts: string[]) => join(dir, ...parts),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Builds one STEP block: YAML lines, then fenced blocks (default language bash). */
export function step(yaml: string, ...blocks: (string | { lang: string; code: string })[]): string {
  const fences = blocks.map((b) => (typeof b === 'string' ? { lang: 'bash', code: b } : b)).map((b) => '```' + b.lang + '\n' + b.code + '\n```');
  return `<!-- STEP\n${yaml.trim()}\n-->\n\n${fences.join('\n\n')}\n\n<!-- END_STEP -->\n`;
}

/** Collects everything written to it. */
export class Capture {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/**
 * True once `pid` no longer runs. Uses process.kill(pid, 0); a zombie (dead but not yet reaped,
 * which happens to orphans when PID 1 is not a reaping init, e.g. in some containers) counts as gone.
 */
export function pidGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state === 'Z' || state === 'X';
  } catch {
    return true; // vanished between the two checks
  }
}

/** Polls `cond` every 20 ms until it is true or `timeoutMs` passes; resolves with the last value. */
export async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (cond()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Reads a pid written by a fixture script (`echo $! > file`), waiting for it to appear. */
export async function readPid(file: string, timeoutMs = 3000): Promise<number> {
  await waitUntil(() => existsSync(file) && /\d+\s*$/.test(readFileSync(file, 'utf8')), timeoutMs);
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${file}`);
  return pid;
}
