/**
 * @module commands/run/validate
 * Field checks shared by `run` flags and run files: value types, ports, paths. Each pushes
 * `where: what` onto `issues` (so all problems are reported at once) and returns the value, or
 * undefined. What minidaprd accepts (app ids, log levels, protocols, sizes, ranges) is minidaprd's
 * own parser's to say: sidecar-check.ts.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';

export const LOG_DESTINATIONS = ['file', 'console', 'fileAndConsole'] as const;
export type LogDestination = (typeof LOG_DESTINATIONS)[number];

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v) ?? String(v));

/** An app id made from a folder name: `My App.v2` → `My-App-v2`. */
export function appIdFromDir(dir: string): string {
  const id = basename(dir)
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '');
  return id || 'app';
}

/** A whole number (its range is minidaprd's to check). */
export function checkWhole(value: unknown, where: string, issues: string[]): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    issues.push(`${where}: must be a whole number, got ${show(value)}`);
    return undefined;
  }
  return value;
}

/** A TCP port; `allowZero` for --app-port, where 0 means "no app port". */
export function checkPort(value: unknown, where: string, issues: string[], allowZero = false): number | undefined {
  const min = allowZero ? 0 : 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 65535) {
    issues.push(`${where}: must be a port number from ${min} to 65535, got ${show(value)}`);
    return undefined;
  }
  return value;
}

export function checkString(value: unknown, where: string, issues: string[]): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    issues.push(`${where}: must be a non-empty string, got ${show(value)}`);
    return undefined;
  }
  return value;
}

export function checkBool(value: unknown, where: string, issues: string[]): boolean | undefined {
  if (typeof value !== 'boolean') {
    issues.push(`${where}: must be true or false, got ${show(value)}`);
    return undefined;
  }
  return value;
}

export function checkChoice<T extends string>(value: unknown, where: string, issues: string[], choices: readonly T[]): T | undefined {
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    issues.push(`${where}: must be one of ${choices.join(', ')}, got ${show(value)}`);
    return undefined;
  }
  return value as T;
}

/** A size written as text (`4Mi`) or a number of bytes; whether minidaprd takes it is its parser's to say. */
export function checkQuantity(value: unknown, where: string, issues: string[]): string | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string') {
    issues.push(`${where}: must be a size like 4Mi, 512Ki or 4096, got ${show(value)}`);
    return undefined;
  }
  return text.trim();
}

/**
 * `abs` must exist (as a directory, a file, or either); `raw` is how the user wrote it. `how`, when
 * given, says how `raw` became `abs` (e.g. `resolved against appDirPath ./batch`) and is shown with `abs`:
 * `apps[0].resourcesPath: ../components does not exist (resolved against appDirPath ./batch to /x/components)`.
 */
export function checkExists(abs: string, raw: string, where: string, issues: string[], kind: 'dir' | 'file' | 'any', how?: string): boolean {
  const suffix = how ? ` (${how} to ${abs})` : '';
  let st;
  try {
    st = statSync(abs);
  } catch {
    issues.push(`${where}: ${raw} does not exist${suffix}`);
    return false;
  }
  if (kind === 'dir' && !st.isDirectory()) {
    issues.push(`${where}: ${raw} is not a directory${suffix}`);
    return false;
  }
  if (kind === 'file' && !st.isFile()) {
    issues.push(`${where}: ${raw} is not a file${suffix}`);
    return false;
  }
  return true;
}

/** Chosen ports must all differ (within an app and across the apps of a run file). */
export function checkDistinctPorts(ports: Array<{ port: number; where: string }>, issues: string[]): void {
  const seen = new Map<number, string>();
  for (const { port, where } of ports) {
    const first = seen.get(port);
    if (first) issues.push(`${where}: port ${port} is already used by ${first}`);
    else seen.set(port, where);
  }
}

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
