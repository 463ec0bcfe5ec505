import { formatTime } from '../lib/format';
import {
  latestValue,
  niceMax,
  plotSeries,
  timeTicks,
  xPositions,
  yPosition,
  type ChartBox,
} from './chart-geometry';

export interface ChartSeries {
  readonly name: string;
  /** One value per time; null leaves a gap. */
  readonly values: ReadonlyArray<number | null>;
}

interface LineChartProps {
  readonly title: string;
  /** Epoch ms, ascending. */
  readonly times: readonly number[];
  readonly series: readonly ChartSeries[];
  readonly format: (value: number) => string;
}

const BOX: ChartBox = { width: 600, height: 180, left: 64, right: 12, top: 12, bottom: 26 };
const DOT_RADIUS = 5;

/**
 * A small SVG line chart; its accessible name states each series' latest value. A value without
 * a neighbour (the first interval, or one between gaps) is drawn as a dot.
 */
export function LineChart({ title, times, series, format }: LineChartProps) {
  const max = niceMax(series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const xs = xPositions(times, BOX);
  const latest = (s: ChartSeries): string => {
    const value = latestValue(s.values);
    return value === null ? '—' : format(value);
  };
  const summary = series.map((s) => `${s.name} ${latest(s)}`).join(', ');
  return (
    <figure className="chart">
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="legend">
          {series.map((s, i) => (
            <span key={s.name} className={`legend-item series-${i}`}>
              {s.name}: <strong>{latest(s)}</strong>
            </span>
          ))}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        role="img"
        aria-label={`${title}: ${summary}`}
      >
        {[0, 0.5, 1].map((f) => (
          <g key={f} className="grid">
            <line
              x1={BOX.left}
              x2={BOX.width - BOX.right}
              y1={yPosition(max * f, max, BOX)}
              y2={yPosition(max * f, max, BOX)}
            />
            <text x={BOX.left - 6} y={yPosition(max * f, max, BOX) + 4} textAnchor="end">
              {format(max * f)}
            </text>
          </g>
        ))}
        {series.map((s, i) => {
          const plot = plotSeries(s.values, xs, max, BOX);
          return (
            <g key={s.name}>
              <path className={`line series-${i}`} d={plot.path} />
              {plot.dots.map((dot, j) => (
                <circle
                  key={j}
                  className={`dot series-${i}`}
                  cx={dot.x}
                  cy={dot.y}
                  r={DOT_RADIUS}
                />
              ))}
            </g>
          );
        })}
        <g className="axis">
          {timeTicks(times, xs).map((tick) => (
            <text key={tick.at} x={tick.x} y={BOX.height - 6} textAnchor={tick.anchor}>
              {formatTime(tick.at)}
            </text>
          ))}
        </g>
      </svg>
      {times.length === 0 ? <p className="muted chart-empty">Collecting data…</p> : null}
    </figure>
  );
}
