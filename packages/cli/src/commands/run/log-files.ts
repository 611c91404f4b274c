/**
 * @module commands/run/log-files
 * The log files of a single-app `minidapr run`: `<MINIDAPR_HOME>/logs/<appId>/<appId>_{app|daprd}_<stamp>.log`.
 * The console output stays exactly as it is; the files are a copy, so `minidapr logs` and the dashboard
 * can read a single run's logs too (`run -f` keeps writing under `<appDir>/.minidapr/logs`).
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { compactTimestamp } from '../../lib/age';

export interface RunLogFile {
  readonly path: string;
  write(chunk: Buffer | string): void;
  close(): Promise<void>;
}

export function singleRunLogDir(home: string, appId: string): string {
  return join(home, 'logs', appId);
}

function open(path: string): RunLogFile {
  let file: WriteStream | undefined;
  try {
    file = createWriteStream(path, { flags: 'a' });
    file.on('error', () => {}); // a full disk or a removed folder must not kill the run
  } catch {
    file = undefined;
  }
  return {
    path,
    write: (chunk) => void file?.write(chunk),
    close: () => new Promise<void>((resolve) => (file ? file.end(resolve) : resolve())),
  };
}

/** Opens the sidecar's (and, with a command, the app's) log file; undefined when the folder cannot be made. */
export function openSingleRunLogs(home: string, appId: string, withApp: boolean, now = new Date()): { daprd: RunLogFile; app?: RunLogFile } | undefined {
  const dir = singleRunLogDir(home, appId);
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    return undefined;
  }
  const stamp = compactTimestamp(now);
  return {
    daprd: open(join(dir, `${appId}_daprd_${stamp}.log`)),
    app: withApp ? open(join(dir, `${appId}_app_${stamp}.log`)) : undefined,
  };
}
