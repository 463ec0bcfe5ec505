import type { ScoreMatrix } from '../ml.types';
import {
  apgr,
  callPerformanceThreshold,
  quantileSorted,
  strongWeakReport,
  thresholdSweep,
} from './strong-weak.metrics';

const f = (...values: number[]) => Float64Array.from(values);

describe(quantileSorted.name, () => {
  it('interpolates linearly between order statistics (numpy default)', () => {
    const sorted = f(0.1, 0.3, 0.5, 0.9);
    expect(quantileSorted(sorted, 0)).toBe(0.1);
    expect(quantileSorted(sorted, 0.5)).toBeCloseTo(0.4, 12);
    expect(quantileSorted(sorted, 1)).toBe(0.9);
    expect(quantileSorted(sorted, 1 / 3)).toBeCloseTo(0.3, 12);
  });
});

describe(thresholdSweep.name, () => {
  it('sends the scores at or above each quantile edge strong, and none at the last edge', () => {
    const points = thresholdSweep(f(0.9, 0.1, 0.5, 0.3), f(1, 1, 0, 1), f(0, 1, 0, 0), 2);
    expect(points.map((p) => [p.strongShare, p.quality])).toEqual([
      [0, 0.25],
      [0.5, 0.5],
      [1, 0.75],
    ]);
    expect(points.map((p) => p.pgr)).toEqual([0, 0.5, 1]);
    expect(points[1]!.threshold).toBeCloseTo(0.4, 12);
  });

  it('gives 11 points for 10 bins; tied scores collapse to all or nothing', () => {
    const n = 50;
    const strong = Float64Array.from({ length: n }, (_, i) => i % 2);
    const weak = new Float64Array(n);
    expect(
      thresholdSweep(
        Float64Array.from({ length: n }, (_, i) => i),
        strong,
        weak,
      ),
    ).toHaveLength(11);
    const tied = thresholdSweep(new Float64Array(n).fill(0.3), strong, weak);
    expect(new Set(tied.map((p) => p.strongShare))).toEqual(new Set([0, 1]));
    expect(apgr(tied, 0, 0.5)).toBeCloseTo(0.5, 12);
  });
});

describe(apgr.name, () => {
  it("is RouteLLM's normalised area: 0.5 for a random-like router, more for a good one", () => {
    const random = thresholdSweep(f(0.9, 0.1, 0.5, 0.3), f(1, 1, 0, 1), f(0, 1, 0, 0), 2);
    expect(apgr(random, 0.25, 0.75)).toBeCloseTo(0.5, 12);
    const good = thresholdSweep(f(0.9, 0.1, 0.5, 0.3), f(1, 1, 1, 0), f(0, 1, 0, 0), 2);
    expect(good.map((p) => p.quality)).toEqual([0.25, 0.75, 0.75]);
    expect(apgr(good, 0.25, 0.75)).toBeCloseTo(0.75, 12);
  });
});

describe(callPerformanceThreshold.name, () => {
  const points = thresholdSweep(f(0.9, 0.1, 0.5, 0.3), f(1, 1, 0, 1), f(0, 1, 0, 0), 2);

  it('interpolates the share of strong calls reaching weak + x × gap', () => {
    expect(callPerformanceThreshold(points, 0.5, 0.25, 0.75)).toBeCloseTo(0.5, 12);
    expect(callPerformanceThreshold(points, 0.8, 0.25, 0.75)).toBeCloseTo(0.8, 12);
    expect(callPerformanceThreshold(points, 0, 0.25, 0.75)).toBe(0);
  });

  it('is undefined when the sweep never gets there', () => {
    expect(callPerformanceThreshold(points, 1.2, 0.25, 0.75)).toBeUndefined();
  });
});

describe(strongWeakReport.name, () => {
  it('scores each query by q̂[strong] − q̂[weak] and reports APGR and CPT', () => {
    const matrix: ScoreMatrix = {
      queries: ['a', 'b', 'c', 'd'],
      candidates: ['strong', 'weak'],
      scores: f(1, 0, 1, 1, 1, 0, 0, 0),
    };
    // Predicted gaps 0.9, 0.1, 0.5, 0.3 as in the sweeps above.
    const predicted = f(0.95, 0.05, 0.6, 0.5, 0.7, 0.2, 0.4, 0.1);
    const report = strongWeakReport(matrix, predicted, 0, 1, 2);
    expect(report).toMatchObject({
      strong: 'strong',
      weak: 'weak',
      strongQuality: 0.75,
      weakQuality: 0.25,
    });
    expect(report.apgr).toBeCloseTo(0.75, 12);
    expect(report.cpt50).toBeCloseTo(0.25, 12);
    expect(report.cpt80).toBeCloseTo(0.4, 12);
  });
});
