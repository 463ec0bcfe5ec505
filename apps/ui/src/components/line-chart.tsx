import { formatTime } from '../lib/format';

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

const WIDTH = 600;
const HEIGHT = 180;
const PAD = { left: 64, right: 12, top: 12, bottom: 26 };

/** A small SVG line chart; its accessible name states each series' latest value. */
export function LineChart({ title, times, series, format }: LineChartProps) {
  const max = niceMax(series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const x = (i: number): number =>
    PAD.left + (times.length > 1 ? (i / (times.length - 1)) * (WIDTH - PAD.left - PAD.right) : 0);
  const y = (v: number): number =>
    HEIGHT - PAD.bottom - (v / max) * (HEIGHT - PAD.top - PAD.bottom);
  const summary = series.map((s) => `${s.name} ${latestText(s.values, format)}`).join(', ');
  return (
    <figure className="chart">
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="legend">
          {series.map((s, i) => (
            <span key={s.name} className={`legend-item series-${i}`}>
              {s.name}: <strong>{latestText(s.values, format)}</strong>
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title}: ${summary}`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f} className="grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max * f)} y2={y(max * f)} />
            <text x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end">
              {format(max * f)}
            </text>
          </g>
        ))}
        {series.map((s, i) => (
          <path key={s.name} className={`line series-${i}`} d={linePath(s.values, x, y)} />
        ))}
        {times.length > 0 ? <TimeAxis times={times} x={x} /> : null}
      </svg>
      {times.length < 2 ? <p className="muted chart-empty">Collecting data…</p> : null}
    </figure>
  );
}

function TimeAxis({ times, x }: { times: readonly number[]; x: (i: number) => number }) {
  const last = times.length - 1;
  return (
    <g className="axis">
      <text x={x(0)} y={HEIGHT - 6} textAnchor="start">
        {formatTime(times[0] as number)}
      </text>
      {last > 0 ? (
        <text x={x(last)} y={HEIGHT - 6} textAnchor="end">
          {formatTime(times[last] as number)}
        </text>
      ) : null}
    </g>
  );
}

function linePath(
  values: ReadonlyArray<number | null>,
  x: (i: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

function latestText(values: ReadonlyArray<number | null>, format: (v: number) => string): string {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return format(v);
  }
  return '—';
}

/** A round upper bound for the y axis (1, 2 or 5 times a power of ten). */
export function niceMax(values: readonly number[]): number {
  const max = Math.max(0, ...values.filter(Number.isFinite));
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}
