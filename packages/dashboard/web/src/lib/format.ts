/**
 * @module lib/format
 * Human-readable ages, durations, rates and times.
 */

export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Microseconds to "850µs", "12.3ms", "1.25s". */
export function formatDurationUs(us: number): string {
  if (!Number.isFinite(us) || us < 0) return '—';
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) return `${trim(us / 1000)}ms`;
  return `${trim(us / 1_000_000)}s`;
}

export function formatMs(ms: number): string {
  return formatDurationUs(ms * 1000);
}

function trim(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export function formatNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '—';
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(digits);
}

export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.01 ? 2 : 1)}%`;
}

/** Epoch µs to a local wall-clock time with milliseconds. */
export function formatTimeUs(us: number): string {
  const d = new Date(us / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Short form of a long hex id for tables. */
export function shortId(id: string, n = 8): string {
  return id.length > n ? id.slice(0, n) : id;
}
