// Pure geometry of the SVG charts: where each point lands, and what is drawn for it.

/** The drawing area: the SVG's size and the padding kept for the axes. */
export interface ChartBox {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A series as drawn: one path through consecutive values, and a dot for each lone value. */
export interface SeriesPlot {
  readonly path: string;
  readonly dots: readonly Point[];
}

export interface TimeTick {
  readonly x: number;
  readonly at: number;
  readonly anchor: 'start' | 'middle' | 'end';
}

/** A round upper bound for the y axis (1, 2 or 5 times a power of ten). */
export function niceMax(values: readonly number[]): number {
  const max = Math.max(0, ...values.filter(Number.isFinite));
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/**
 * The x of each time, in proportion to the time elapsed (a pause in scraping shows as a wider
 * step). A single time sits in the middle: there is no span to place it in.
 */
export function xPositions(times: readonly number[], box: ChartBox): number[] {
  const first = times[0];
  const last = times[times.length - 1];
  const span = box.width - box.left - box.right;
  if (first === undefined || last === undefined || last <= first) {
    return times.map(() => box.left + span / 2);
  }
  return times.map((t) => box.left + ((t - first) / (last - first)) * span);
}

/** The y of a value on an axis from 0 (bottom) to `max` (top). */
export function yPosition(value: number, max: number, box: ChartBox): number {
  return box.height - box.bottom - (value / max) * (box.height - box.top - box.bottom);
}

/**
 * A path through each run of consecutive values (null breaks the line), and a dot for each value
 * with no value beside it, which a path alone would not show (a chart's first interval, say).
 */
export function plotSeries(
  values: ReadonlyArray<number | null>,
  xs: readonly number[],
  max: number,
  box: ChartBox,
): SeriesPlot {
  let path = '';
  const dots: Point[] = [];
  values.forEach((v, i) => {
    const x = xs[i];
    if (v === null || x === undefined) return;
    const y = yPosition(v, max, box);
    const joined = isValue(values[i - 1]);
    path += `${joined ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    if (!joined && !isValue(values[i + 1])) dots.push({ x, y });
  });
  return { path, dots };
}

/** Labels for the time axis: first and last time, or the one time under its point. */
export function timeTicks(times: readonly number[], xs: readonly number[]): TimeTick[] {
  const first = times[0];
  const x0 = xs[0];
  if (first === undefined || x0 === undefined) return [];
  const lastIndex = times.length - 1;
  if (lastIndex === 0) return [{ x: x0, at: first, anchor: 'middle' }];
  return [
    { x: x0, at: first, anchor: 'start' },
    { x: xs[lastIndex] as number, at: times[lastIndex] as number, anchor: 'end' },
  ];
}

/** The newest value of a series, or null when it has none. */
export function latestValue(values: ReadonlyArray<number | null>): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (isValue(v)) return v;
  }
  return null;
}

function isValue(v: number | null | undefined): v is number {
  return v !== null && v !== undefined;
}
