import { niceMax } from './chart-geometry';

interface BarChartProps {
  readonly title: string;
  readonly labels: readonly string[];
  readonly values: readonly number[];
  readonly format: (value: number) => string;
}

const WIDTH = 600;
const HEIGHT = 180;
const MAX_BAR_WIDTH = 48;
const PAD = { left: 64, right: 8, top: 12, bottom: 26 };

/** A small SVG bar chart; each bar has a tooltip and the chart names its total. */
export function BarChart({ title, labels, values, format }: BarChartProps) {
  const max = niceMax(values);
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(values.length, 1);
  const barHeight = (v: number): number => (v / max) * (HEIGHT - PAD.top - PAD.bottom);
  const total = values.reduce((a, b) => a + b, 0);
  const barWidth = Math.min(slot * 0.7, MAX_BAR_WIDTH);
  const step = Math.max(1, Math.ceil(labels.length / 6));
  return (
    <figure className="chart">
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="legend">
          Total: <strong>{format(total)}</strong>
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`${title}, total ${format(total)}`}
      >
        {[0, 0.5, 1].map((f) => (
          <g key={f} className="grid">
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={HEIGHT - PAD.bottom - barHeight(max * f)}
              y2={HEIGHT - PAD.bottom - barHeight(max * f)}
            />
            <text
              x={PAD.left - 6}
              y={HEIGHT - PAD.bottom - barHeight(max * f) + 4}
              textAnchor="end"
            >
              {format(max * f)}
            </text>
          </g>
        ))}
        {values.map((v, i) => (
          <rect
            key={labels[i] ?? i}
            className="bar"
            x={PAD.left + i * slot + (slot - barWidth) / 2}
            width={barWidth}
            y={HEIGHT - PAD.bottom - barHeight(v)}
            height={barHeight(v)}
          >
            <title>{`${labels[i] ?? ''}: ${format(v)}`}</title>
          </rect>
        ))}
        {labels.map((label, i) =>
          i % step === 0 ? (
            <text
              key={label}
              className="axis"
              x={PAD.left + i * slot + slot / 2}
              y={HEIGHT - 6}
              textAnchor="middle"
            >
              {label}
            </text>
          ) : null,
        )}
      </svg>
    </figure>
  );
}
