import { addPairwiseOutcomes, fitBradleyTerry } from './bradley-terry';

describe('Bradley–Terry', () => {
  it('counts wins, half wins on ties, and nothing for unknown scores', () => {
    const wins = new Float64Array(9);
    addPairwiseOutcomes(Float64Array.from([1, 0, 1, 0.5, NaN, 0.5]), 0, 3, wins);
    expect(Array.from(wins)).toEqual([0, 1, 0.5, 0, 0, 0, 0.5, 1, 0]);
    addPairwiseOutcomes(Float64Array.from([1, 0, 1, 0.5, NaN, 0.5]), 1, 3, wins);
    expect(Array.from(wins)).toEqual([0, 1, 1, 0, 0, 0, 1, 1, 0]);
  });

  it('rates by win probability: P(i beats j) = sigmoid(r_i − r_j)', () => {
    // a beats b 75% of the time; c never plays.
    const wins = Float64Array.from([0, 75, 0, 25, 0, 0, 0, 0, 0]);
    const ratings = fitBradleyTerry(wins, 3, new Float64Array(3), 1e-3, 2000);
    expect(1 / (1 + Math.exp(ratings[1]! - ratings[0]!))).toBeCloseTo(0.75, 2);
    expect(ratings[2]).toBeCloseTo(0, 3);
  });

  it('keeps a candidate that never wins finite, and shrinks thin evidence toward the prior', () => {
    const wins = Float64Array.from([0, 3, 0, 0]);
    const weak = fitBradleyTerry(wins, 2, new Float64Array(2), 1, 500);
    expect(weak.every(Number.isFinite)).toBe(true);
    expect(weak[0]).toBeGreaterThan(weak[1]!);
    const strong = fitBradleyTerry(wins, 2, new Float64Array(2), 100, 500);
    expect(Math.abs(strong[0]! - strong[1]!)).toBeLessThan(Math.abs(weak[0]! - weak[1]!) / 5);
    const prior = Float64Array.from([-1, 2]);
    const anchored = fitBradleyTerry(new Float64Array(4), 2, prior, 1, 500);
    expect(anchored[0]).toBeCloseTo(-1, 5);
    expect(anchored[1]).toBeCloseTo(2, 5);
  });
});
