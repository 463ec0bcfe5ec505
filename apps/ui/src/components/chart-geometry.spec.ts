import {
  latestValue,
  niceMax,
  plotSeries,
  timeTicks,
  xPositions,
  yPosition,
  type ChartBox,
} from './chart-geometry';

// A 100x100 plot area starting at (10, 10): easy numbers.
const BOX: ChartBox = { width: 120, height: 120, left: 10, right: 10, top: 10, bottom: 10 };

describe(niceMax.name, () => {
  it('rounds up to 1, 2 or 5 times a power of ten, and is 1 without positive values', () => {
    expect(niceMax([0.2])).toBe(0.2);
    expect(niceMax([0.21])).toBe(0.5);
    expect(niceMax([3, 7])).toBe(10);
    expect(niceMax([120])).toBe(200);
    expect(niceMax([])).toBe(1);
    expect(niceMax([0, Number.NaN])).toBe(1);
  });
});

describe(xPositions.name, () => {
  it('spaces points by the time between them', () => {
    expect(xPositions([1000, 2000, 6000], BOX)).toEqual([10, 30, 110]);
  });

  it('puts a lone point in the middle', () => {
    expect(xPositions([5000], BOX)).toEqual([60]);
    expect(xPositions([], BOX)).toEqual([]);
  });
});

describe(yPosition.name, () => {
  it('maps 0 to the bottom and the maximum to the top', () => {
    expect(yPosition(0, 4, BOX)).toBe(110);
    expect(yPosition(4, 4, BOX)).toBe(10);
    expect(yPosition(1, 4, BOX)).toBe(85);
  });
});

describe(plotSeries.name, () => {
  it('draws one interval as a dot, not as an empty path', () => {
    const plot = plotSeries([0.2], [60], 0.5, BOX);
    expect(plot.dots).toEqual([{ x: 60, y: 70 }]);
    expect(plot.path).toBe('M60.0,70.0');
  });

  it('joins consecutive values with a line and needs no dots for them', () => {
    const plot = plotSeries([0, 1], [10, 110], 1, BOX);
    expect(plot.path).toBe('M10.0,110.0L110.0,10.0');
    expect(plot.dots).toEqual([]);
  });

  it('breaks the line at gaps and dots a value left alone between them', () => {
    const plot = plotSeries([1, 1, null, 0.5, null], [10, 35, 60, 85, 110], 1, BOX);
    expect(plot.path).toBe('M10.0,10.0L35.0,10.0M85.0,60.0');
    expect(plot.dots).toEqual([{ x: 85, y: 60 }]);
  });

  it('draws nothing for a series without values', () => {
    expect(plotSeries([null, null], [10, 110], 1, BOX)).toEqual({ path: '', dots: [] });
    expect(plotSeries([], [], 1, BOX)).toEqual({ path: '', dots: [] });
  });
});

describe(timeTicks.name, () => {
  it('labels the first and the last time at the ends', () => {
    expect(timeTicks([1000, 2000, 6000], [10, 30, 110])).toEqual([
      { x: 10, at: 1000, anchor: 'start' },
      { x: 110, at: 6000, anchor: 'end' },
    ]);
  });

  it('labels a lone time under its point, and nothing without times', () => {
    expect(timeTicks([5000], [60])).toEqual([{ x: 60, at: 5000, anchor: 'middle' }]);
    expect(timeTicks([], [])).toEqual([]);
  });
});

describe(latestValue.name, () => {
  it('is the newest value, skipping gaps, or null', () => {
    expect(latestValue([1, 2, null])).toBe(2);
    expect(latestValue([0])).toBe(0);
    expect(latestValue([null])).toBeNull();
    expect(latestValue([])).toBeNull();
  });
});
