import { calibrateThreshold, strongShare } from './threshold.calibration';

const scores = Float64Array.from([0.5, -0.2, 0.1, 0.9, 0.3, 0, 0.7, -0.5, 0.2, 0.4]);

describe(calibrateThreshold.name, () => {
  it('sends exactly the requested share strong, midway between neighbours', () => {
    const t = calibrateThreshold(scores, 20);
    expect(t).toBeCloseTo(0.6, 12);
    expect(strongShare(scores, t)).toBe(0.2);
    expect(strongShare(scores, calibrateThreshold(scores, 50))).toBe(0.5);
  });

  it('covers 0% and 100%', () => {
    expect(strongShare(scores, calibrateThreshold(scores, 0))).toBe(0);
    expect(calibrateThreshold(scores, 100)).toBe(-0.5);
    expect(strongShare(scores, calibrateThreshold(scores, 100))).toBe(1);
  });

  it('sends all tied scores at the boundary strong', () => {
    const tied = Float64Array.from([1, 0.5, 0.5, 0.5, 0]);
    expect(calibrateThreshold(tied, 40)).toBe(0.5);
    expect(strongShare(tied, 0.5)).toBe(0.8);
  });

  it('ignores non-finite scores and refuses bad input', () => {
    expect(calibrateThreshold(Float64Array.from([NaN, 1, 0]), 50)).toBe(0.5);
    expect(() => calibrateThreshold(new Float64Array(0), 20)).toThrow('no scores to calibrate on');
    expect(() => calibrateThreshold(scores, 101)).toThrow(RangeError);
    expect(() => calibrateThreshold(scores, NaN)).toThrow(RangeError);
  });
});
