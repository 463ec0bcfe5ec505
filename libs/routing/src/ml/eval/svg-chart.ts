/** One series of a chart: a line through its points, or markers only. */
export interface ChartSeries {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** `line` (default) joins the points; `markers` draws each point alone. */
  readonly style?: 'line' | 'markers';
  readonly dashed?: boolean;
  /** CSS colour; default from a colour-blind-safe palette by series index. */
  readonly color?: string;
}

/** A line/scatter chart, rendered as standalone SVG with no dependencies. */
export interface ChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Axis ranges; default the data's range, padded. */
  readonly x?: readonly [number, number];
  readonly y?: readonly [number, number];
  /** Formats tick labels (default: up to 2 decimals). */
  readonly formatX?: (value: number) => string;
  readonly formatY?: (value: number) => string;
}

// Okabe–Ito: distinguishable with the common colour-vision deficiencies.
const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#F0E442',
  '#000000',
];
const WIDTH = 720;
const HEIGHT = 440;
const PLOT = { left: 70, right: 240, top: 40, bottom: 55 } as const;

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const defaultFormat = (value: number): string => String(Math.round(value * 100) / 100);

/** A "nice" tick step (1, 2 or 5 × 10^k) giving about `count` ticks over `span`. */
function tickStep(span: number, count: number): number {
  const raw = span / Math.max(count, 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  return (normalised >= 5 ? 10 : normalised >= 2 ? 5 : normalised >= 1 ? 2 : 1) * magnitude;
}

function ticks([low, high]: readonly [number, number], count: number): number[] {
  const step = tickStep(high - low, count);
  const out: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) {
    out.push(Math.round(value / step) * step);
  }
  return out;
}

function dataRange(spec: ChartSpec, axis: 0 | 1): [number, number] {
  const values = spec.series.flatMap((series) => series.points.map((point) => point[axis]));
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return [0, 1];
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const pad = (high - low) * 0.05 || Math.abs(high) * 0.05 || 0.5;
  return [low - pad, high + pad];
}

function axes(
  spec: ChartSpec,
  sx: (v: number) => number,
  sy: (v: number) => number,
  xr: [number, number],
  yr: [number, number],
): string[] {
  const parts: string[] = [];
  const formatX = spec.formatX ?? defaultFormat;
  const formatY = spec.formatY ?? defaultFormat;
  const bottom = HEIGHT - PLOT.bottom;
  const right = WIDTH - PLOT.right;
  for (const value of ticks(xr, 6)) {
    const x = sx(value).toFixed(1);
    parts.push(`<line x1="${x}" y1="${PLOT.top}" x2="${x}" y2="${bottom}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${x}" y="${bottom + 18}" text-anchor="middle">${escapeXml(formatX(value))}</text>`,
    );
  }
  for (const value of ticks(yr, 6)) {
    const y = sy(value).toFixed(1);
    parts.push(`<line x1="${PLOT.left}" y1="${y}" x2="${right}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${PLOT.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatY(value))}</text>`,
    );
  }
  parts.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${right - PLOT.left}" height="${bottom - PLOT.top}" fill="none" stroke="#333"/>`,
  );
  parts.push(
    `<text x="${(PLOT.left + right) / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text x="18" y="${(PLOT.top + bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(PLOT.top + bottom) / 2})">${escapeXml(spec.yLabel)}</text>`,
  );
  return parts;
}

function seriesMarkup(
  series: ChartSeries,
  color: string,
  sx: (v: number) => number,
  sy: (v: number) => number,
): string[] {
  const points = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const coords = points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
  const parts: string[] = [];
  if ((series.style ?? 'line') === 'line' && coords.length > 1) {
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<polyline points="${coords.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`,
    );
  }
  for (const coord of coords) {
    const [x, y] = coord.split(',');
    parts.push(
      `<circle cx="${x}" cy="${y}" r="${series.style === 'markers' ? 5 : 3}" fill="${color}"/>`,
    );
  }
  return parts;
}

/** Renders the chart as a standalone SVG document (text, fonts by name, no scripts). */
export function renderChartSvg(spec: ChartSpec): string {
  const xr = spec.x ? ([spec.x[0], spec.x[1]] as [number, number]) : dataRange(spec, 0);
  const yr = spec.y ? ([spec.y[0], spec.y[1]] as [number, number]) : dataRange(spec, 1);
  const right = WIDTH - PLOT.right;
  const bottom = HEIGHT - PLOT.bottom;
  const sx = (v: number): number =>
    PLOT.left + ((v - xr[0]) / (xr[1] - xr[0] || 1)) * (right - PLOT.left);
  const sy = (v: number): number =>
    bottom - ((v - yr[0]) / (yr[1] - yr[0] || 1)) * (bottom - PLOT.top);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`,
    ...axes(spec, sx, sy, xr, yr),
    `<clipPath id="plot"><rect x="${PLOT.left}" y="${PLOT.top}" width="${right - PLOT.left}" height="${bottom - PLOT.top}"/></clipPath>`,
    '<g clip-path="url(#plot)">',
  ];
  const colors = spec.series.map((series, i) => series.color ?? PALETTE[i % PALETTE.length]!);
  spec.series.forEach((series, i) => parts.push(...seriesMarkup(series, colors[i]!, sx, sy)));
  parts.push('</g>');
  spec.series.forEach((series, i) => {
    const y = PLOT.top + 10 + i * 20;
    const x = right + 16;
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      series.style === 'markers'
        ? `<circle cx="${x + 10}" cy="${y}" r="5" fill="${colors[i]}"/>`
        : `<line x1="${x}" y1="${y}" x2="${x + 20}" y2="${y}" stroke="${colors[i]}" stroke-width="2"${dash}/>`,
    );
    parts.push(
      `<text x="${x + 28}" y="${y}" dominant-baseline="middle">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
