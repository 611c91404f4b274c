/**
 * @module lib/age
 * The AGE and CREATED columns as dapr/cli prints them (`5s`, `3m`, `2h`, `4d`; `2006-01-02 15:04.05`).
 */
export function formatAge(startedAt: Date, now: Date = new Date()): string {
  const s = Math.max(0, Math.floor((now.getTime() - startedAt.getTime()) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time as `yyyy-mm-dd hh:mm.ss` (dapr/cli's quirky `2006-01-02 15:04.05` layout). */
export function formatCreated(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}.${pad(d.getSeconds())}`;
}

/** Local time as `yyyymmddhhmmss` (log file names). */
export function compactTimestamp(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}
