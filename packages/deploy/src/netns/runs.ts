/**
 * @module netns/runs
 * Which process owns which run id, so a run whose process died without its teardown (a killed
 * test worker) is cleaned up by the next run: its processes killed, its namespaces, links and
 * /etc/netns folders removed. A run of a live process is never touched. The run file holds the
 * owner's pid and, on a second line, the namespace the run used as root (when not the owner's own).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NETNS_ETC, removeNetnsEtc } from './hosts';
import { inNs, ip, ipQuiet } from './ip';

export const RUNS_DIR = join(tmpdir(), 'minidapr-netns-runs');

/** Records that this process owns run `id`, and the namespace it uses as root (see createNetwork). */
export function recordRun(id: string, root?: string, dir = RUNS_DIR): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, id), root === undefined ? String(process.pid) : `${process.pid}\n${root}`);
}

/** Who owns run `id` (undefined when the file holds no valid pid) and the root it recorded. */
export function readRun(id: string, dir = RUNS_DIR): { pid?: number; root?: string } {
  const [owner = '', root = ''] = readFileSync(join(dir, id), 'utf8').split('\n');
  const pid = Number(owner);
  return { pid: Number.isInteger(pid) && pid > 0 ? pid : undefined, root: root || undefined };
}

export function forgetRun(id: string, dir = RUNS_DIR): void {
  rmSync(join(dir, id), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const namespaces = (): string[] =>
  ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] as string)
    .filter(Boolean);

/**
 * What still exists of run `id`: namespaces (the groups' and the switch), links in the root
 * namespace (`root`, or the caller's own), /etc/netns folders. A root namespace that is gone took
 * its links with it.
 */
export function leftovers(id: string, root?: string): string[] {
  const all = namespaces();
  const ns = all.filter((n) => n.startsWith(`minidapr-${id}-`));
  const links =
    root !== undefined && !all.includes(root)
      ? []
      : ip(inNs(root, ['-o', 'link', 'show']))
          .split('\n')
          .map((l) => (l.split(': ')[1] ?? '').split('@')[0] as string)
          .filter((n) => n === `mdbr${id}` || n.startsWith(`mdv${id}`));
  const etc = existsSync(NETNS_ETC) ? readdirSync(NETNS_ETC).filter((n) => n.startsWith(`minidapr-${id}-`)) : [];
  return [...new Set([...ns, ...links, ...etc])];
}

/** Kills what runs in run `id`'s namespaces and deletes everything it created; returns problems. */
export function removeRun(id: string, root?: string): string[] {
  const errors: string[] = [];
  for (const name of leftovers(id, root)) {
    if (name.startsWith('minidapr-')) {
      let pids: string[] = [];
      try {
        pids = ip(['netns', 'pids', name]).split(/\s+/).filter(Boolean);
      } catch {
        /* only the /etc/netns folder is left */
      }
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* gone already */
        }
      }
      ipQuiet(['netns', 'delete', name], []);
      removeNetnsEtc(name);
    } else ipQuiet(inNs(root, ['link', 'delete', name]), errors);
  }
  return errors;
}

/** Removes the runs whose owning process is gone; returns their ids. */
export function sweepDeadRuns(dir = RUNS_DIR): string[] {
  if (!existsSync(dir)) return [];
  const swept: string[] = [];
  for (const id of readdirSync(dir)) {
    const { pid, root } = readRun(id, dir);
    if (pid !== undefined && alive(pid)) continue;
    removeRun(id, root);
    forgetRun(id, dir);
    swept.push(id);
  }
  return swept;
}
