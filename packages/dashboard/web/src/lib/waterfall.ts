/**
 * @module lib/waterfall
 * Turns a trace's spans into waterfall rows: depth-first by parentId (children in start order),
 * offsets against the trace's first timestamp, and a per-service colour. Spans whose parent is not
 * in the trace become roots, so a partly collected trace still shows every span.
 */
import type { ZipkinSpan } from '../api/types';

export interface WaterfallRow {
  span: ZipkinSpan;
  /** Position in the span list the row came from (stable key: ids can repeat with shared spans). */
  index: number;
  depth: number;
  service: string;
  offsetUs: number;
  durationUs: number;
  error: boolean;
}

export interface Waterfall {
  rows: WaterfallRow[];
  startUs: number;
  durationUs: number;
  services: string[];
}

export function serviceOf(span: ZipkinSpan): string {
  return span.localEndpoint?.serviceName || span.remoteEndpoint?.serviceName || 'unknown';
}

export function spanHasError(span: ZipkinSpan): boolean {
  const t = span.tags ?? {};
  return 'error' in t || t['otel.status_code'] === 'ERROR';
}

export function buildWaterfall(spans: ZipkinSpan[]): Waterfall {
  const withTs = spans.filter((s) => typeof s.timestamp === 'number');
  const startUs = withTs.length ? Math.min(...withTs.map((s) => s.timestamp as number)) : 0;
  const endUs = withTs.length ? Math.max(...withTs.map((s) => (s.timestamp as number) + (s.duration ?? 0))) : 0;
  const ids = new Set(spans.map((s) => s.id));
  const children = new Map<string, number[]>();
  const roots: number[] = [];
  spans.forEach((s, i) => {
    if (s.parentId && s.parentId !== s.id && ids.has(s.parentId)) {
      const list = children.get(s.parentId) ?? [];
      list.push(i);
      children.set(s.parentId, list);
    } else {
      roots.push(i);
    }
  });
  const byStart = (a: number, b: number) => {
    const sa = spans[a]!;
    const sb = spans[b]!;
    return (sa.timestamp ?? Infinity) - (sb.timestamp ?? Infinity) || a - b;
  };
  const rows: WaterfallRow[] = [];
  const seen = new Set<number>();
  const visitedIds = new Set<string>();
  const visit = (i: number, depth: number) => {
    if (seen.has(i)) return;
    seen.add(i);
    const span = spans[i]!;
    rows.push({
      span,
      index: i,
      depth,
      service: serviceOf(span),
      offsetUs: span.timestamp !== undefined ? span.timestamp - startUs : 0,
      durationUs: span.duration ?? 0,
      error: spanHasError(span),
    });
    // With shared (client+server) spans the same id appears twice: its children hang off the first.
    if (visitedIds.has(span.id)) return;
    visitedIds.add(span.id);
    for (const c of [...(children.get(span.id) ?? [])].sort(byStart)) visit(c, depth + 1);
  };
  for (const r of roots.sort(byStart)) visit(r, 0);
  // Anything unreachable (parent cycles) still gets a row.
  spans.forEach((_, i) => visit(i, 0));
  const services = [...new Set(rows.map((r) => r.service))];
  return { rows, startUs, durationUs: Math.max(endUs - startUs, 0), services };
}

const PALETTE = ['#2f6fdf', '#c2410c', '#15803d', '#9333ea', '#b45309', '#0e7490', '#be185d', '#4d7c0f', '#1d4ed8', '#a16207'];

/** A colour per service name, the same on every page and every load. */
export function serviceColour(service: string): string {
  let h = 2166136261;
  for (let i = 0; i < service.length; i++) {
    h ^= service.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return PALETTE[(h >>> 0) % PALETTE.length]!;
}

/** Tick positions for a time axis of `totalUs`: about `count` round steps. */
export function axisTicks(totalUs: number, count = 5): number[] {
  if (!(totalUs > 0)) return [0];
  const raw = totalUs / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = 0; t <= totalUs + 1e-9; t += step) ticks.push(t);
  return ticks;
}
