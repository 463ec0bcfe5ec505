import { featuresOf } from '../shared/__fixtures__/synthetic-routing.fixture';
import { rehashRows } from '../shared/feature-rehash';
import { seededRandom } from '../shared/seeded-random';
import { sphericalKMeans } from './spherical-kmeans';

describe('sphericalKMeans', () => {
  // Two topics: each prompt has its topic's two core terms and one term of its own.
  const rows = rehashRows(
    [
      ...[0, 1, 2, 3].map((i) => featuresOf([10, 11, 90_000 + i])),
      ...[0, 1, 2, 3].map((i) => featuresOf([5000, 5001, 91_000 + i])),
      featuresOf([]),
    ],
    12,
  );

  it.each([1, 2, 3, 4, 5])(
    'separates prompts by shared terms and leaves empty prompts out (seed %i)',
    (seed) => {
      const result = sphericalKMeans(rows, 2, 20, seededRandom(seed));
      const [a, b] = [result.assignment[0]!, result.assignment[4]!];
      expect(a).not.toBe(b);
      expect(Array.from(result.assignment)).toEqual([a, a, a, a, b, b, b, b, -1]);
      for (let j = 0; j < 2; j++) {
        let norm = 0;
        for (let i = j; i < result.centroids.length; i += 2) norm += result.centroids[i]! ** 2;
        expect(norm).toBeCloseTo(1, 5);
      }
    },
  );

  it('is deterministic per seed and returns fewer clusters than rows when asked for more', () => {
    expect(sphericalKMeans(rows, 3, 20, seededRandom(5))).toEqual(
      sphericalKMeans(rows, 3, 20, seededRandom(5)),
    );
    expect(sphericalKMeans(rows, 50, 5, seededRandom(1)).clusters).toBe(8);
    expect(sphericalKMeans(rehashRows([featuresOf([])], 12), 4, 5, seededRandom(1)).clusters).toBe(
      0,
    );
  });
});
