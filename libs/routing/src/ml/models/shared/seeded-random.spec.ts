import { fillGaussian, seededRandom, shuffleInPlace } from './seeded-random';

describe('seededRandom', () => {
  it('repeats its sequence for a seed, differs across seeds, and stays in [0, 1)', () => {
    const draw = (seed: number): number[] => {
      const random = seededRandom(seed);
      return Array.from({ length: 1000 }, () => random());
    };
    const first = draw(42);
    expect(draw(42)).toEqual(first);
    expect(draw(43)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = first.reduce((sum, x) => sum + x, 0) / first.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('shuffles into a permutation, the same one for the same seed', () => {
    const values = Int32Array.from({ length: 50 }, (_, i) => i);
    const shuffled = shuffleInPlace(values.slice(), seededRandom(1));
    expect(Array.from(shuffled).sort((a, b) => a - b)).toEqual(Array.from(values));
    expect(shuffled).not.toEqual(values);
    expect(shuffleInPlace(values.slice(), seededRandom(1))).toEqual(shuffled);
  });

  it('draws gaussians of the asked scale', () => {
    const samples = fillGaussian(new Float32Array(5000), 2, seededRandom(9));
    const variance = samples.reduce((sum, x) => sum + x * x, 0) / samples.length;
    expect(Math.sqrt(variance)).toBeCloseTo(2, 0);
  });
});
