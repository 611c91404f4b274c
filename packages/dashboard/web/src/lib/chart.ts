/**
 * @module lib/chart
 * Scales a time series into an SVG polyline for the small metric charts.
 */

export interface ChartGeometry { path: string; max: number; points: { x: number; y: number }[] }

export function linePath(values: { t: number; v: number }[], width: number, height: number, pad = 4, floorMax = 0): ChartGeometry {
  const finite = values.filter((p) => Number.isFinite(p.v) && Number.isFinite(p.t));
  if (!finite.length) return { path: '', max: floorMax, points: [] };
  const t0 = Math.min(...finite.map((p) => p.t));
  const t1 = Math.max(...finite.map((p) => p.t));
  const max = Math.max(floorMax, ...finite.map((p) => p.v));
  const sx = (t: number) => (t1 === t0 ? width / 2 : pad + ((t - t0) / (t1 - t0)) * (width - 2 * pad));
  const sy = (v: number) => (max === 0 ? height - pad : height - pad - (v / max) * (height - 2 * pad));
  const points = finite.map((p) => ({ x: Math.round(sx(p.t) * 10) / 10, y: Math.round(sy(p.v) * 10) / 10 }));
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
  return { path, max, points };
}
