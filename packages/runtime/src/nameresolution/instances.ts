/**
 * @module nameresolution/instances
 * The self-hosted instance registry: one JSON file per running sidecar under
 * `<MINIDAPR_HOME>/instances/<pid>.json`. Sidecars write their file when they listen and remove it
 * on exit; readers ignore and delete files of processes that no longer exist.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstanceInfo {
  appId: string;
  pid: number;
  host: string;
  httpPort: number;
  internalPort: number;
  grpcPort: number;
  metricsPort?: number;
  appPort?: number;
  appProtocol: string;
  namespace?: string;
  startedAt: string;
  runtimeVersion: string;
  cwd: string;
  resourcesPaths: string[];
  configPaths: string[];
  /** --max-body-size and --read-buffer-size in bytes (list shows them like Dapr's). */
  maxBodySize?: number;
  readBufferSize?: number;
  /** Values the CLI stores through PUT /v1.0/metadata (appCommand, appPID, cliPID, …). */
  extended: Record<string, string>;
}

export function instancesDir(home: string): string {
  return join(home, 'instances');
}

export function writeInstance(home: string, info: InstanceInfo): string {
  const dir = instancesDir(home);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${info.pid}.json`);
  const tmp = `${file}.${process.hrtime.bigint()}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2));
  renameSync(tmp, file); // atomic: readers never see half a file
  return file;
}

export function removeInstance(home: string, pid: number): void {
  rmSync(join(instancesDir(home), `${pid}.json`), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every live instance; files of dead processes (and unreadable files) are cleaned up. */
export function listInstances(home: string): InstanceInfo[] {
  const dir = instancesDir(home);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: InstanceInfo[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    let info: InstanceInfo;
    try {
      info = JSON.parse(readFileSync(file, 'utf8')) as InstanceInfo;
    } catch {
      continue; // being written or corrupt; a later read decides
    }
    if (typeof info.pid !== 'number' || !isAlive(info.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    out.push(info);
  }
  return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
