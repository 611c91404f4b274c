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
/** The band above the plot where the max label sits, so the line never runs through it. */
const TOP = 16;

export function LineChart({ title, points, format, colour = '#2f6fdf', testId, floorMax = 0 }: LineChartProps) {
  const g = linePath(points, W, H - TOP, 4, floorMax);
  const last = points.length ? points[points.length - 1]!.v : undefined;
  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>
        <span>{title}</span>
        <span class="chart-value" data-testid="chart-latest">
          {last === undefined ? '—' : format(last)}
        </span>
      </figcaption>
      <div class="chart-plot">
        {/* Outside the SVG: the plot stretches to its box (preserveAspectRatio none), text must not. */}
        <span class="chart-max" aria-hidden="true">
          {format(g.max)}
        </span>
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${points.length} points, max ${format(g.max)}${last === undefined ? '' : `, latest ${format(last)}`}`} preserveAspectRatio="none">
          <line x1="0" y1={H - 4} x2={W} y2={H - 4} class="chart-axis" />
          {g.path && <path d={g.path} transform={`translate(0 ${TOP})`} fill="none" stroke={colour} stroke-width="2" vector-effect="non-scaling-stroke" />}
        </svg>
        {!g.path && (
          <span class="chart-nodata" aria-hidden="true">
            no data
          </span>
        )}
      </div>
    </figure>
  );
}
