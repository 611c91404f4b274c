/**
 * @module components/line-chart
 * A small SVG line chart of one series, with its latest value in the caption and a text table for
 * screen readers.
 */
import { linePath } from '../lib/chart';

export interface LineChartProps {
  title: string;
  points: { t: number; v: number }[];
  format: (v: number) => string;
  colour?: string;
  testId?: string;
  floorMax?: number;
}

const W = 280;
const H = 80;

export function LineChart({ title, points, format, colour = '#2f6fdf', testId, floorMax = 0 }: LineChartProps) {
  const g = linePath(points, W, H, 4, floorMax);
  const last = points.length ? points[points.length - 1]!.v : undefined;
  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>
        <span>{title}</span>
        <span class="chart-value" data-testid="chart-latest">
          {last === undefined ? '—' : format(last)}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${points.length} points, max ${format(g.max)}${last === undefined ? '' : `, latest ${format(last)}`}`} preserveAspectRatio="none">
        <line x1="0" y1={H - 4} x2={W} y2={H - 4} class="chart-axis" />
        <text x="4" y="12" class="chart-max">
          {format(g.max)}
        </text>
        {g.path ? <path d={g.path} fill="none" stroke={colour} stroke-width="2" vector-effect="non-scaling-stroke" /> : <text x={W / 2} y={H / 2} text-anchor="middle" class="chart-max">no data</text>}
      </svg>
    </figure>
  );
}
