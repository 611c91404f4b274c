/**
 * @module lib/launches
 * What `minidapr run` itself started, recorded under `<MINIDAPR_HOME>/launches/<pid>.json` (dir 0700,
 * files 0600): the pid and the process's start time. `minidapr stop` signals an app or CLI pid only
 * when such a record exists, is the user's own, and the process still has the recorded start time,
 * so neither a pid set through `PUT /v1.0/metadata/appPID` nor a reused pid is ever signalled.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LaunchRecord {
  pid: number;
  /** Opaque start time of the process (Linux: clock ticks since boot; elsewhere: ps lstart). */
  startTime: string;
  role: 'app' | 'cli';
}

export const launchesDir = (home: string): string => join(home, 'launches');

/** The start time of `pid`, or undefined when the process does not exist or cannot be read. */
export function processStartTime(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // fields after "(comm) ": state is field 3, starttime field 22
      return text.slice(text.lastIndexOf(')') + 2).split(' ')[19];
    } catch {
      return undefined;
    }
  }
  try {
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Records that this CLI started `pid` (best effort: a failure only means stop will not signal it). */
export function recordLaunch(home: string, pid: number, role: LaunchRecord['role']): void {
  const startTime = processStartTime(pid);
  if (startTime === undefined) return;
  const dir = launchesDir(home);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    pruneStale(dir);
    const file = join(dir, `${pid}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    const record: LaunchRecord = { pid, startTime, role };
    writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    /* the home is not writable: stop falls back to the sidecar pids */
  }
}

/** True when `pid` is a process this user's `minidapr run` started and it is still that process. */
export function isRecordedLaunch(home: string, pid: number): boolean {
  const file = join(launchesDir(home), `${pid}.json`);
  try {
    const st = statSync(file);
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return false;
    if ((st.mode & 0o022) !== 0) return false; // someone else could have written it
    const rec = JSON.parse(readFileSync(file, 'utf8')) as Partial<LaunchRecord>;
    return rec.pid === pid && typeof rec.startTime === 'string' && rec.startTime === processStartTime(pid);
  } catch {
    return false;
  }
}

/** Drops records whose process is gone or whose pid now belongs to another process. */
function pruneStale(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = /^(\d+)\.json$/.exec(name);
    if (!m) continue;
    try {
      const rec = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Partial<LaunchRecord>;
      if (rec.startTime !== processStartTime(Number(m[1]))) unlinkSync(join(dir, name));
    } catch {
      /* unreadable or already removed */
    }
  }
}
