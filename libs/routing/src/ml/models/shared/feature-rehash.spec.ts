import { featuresOf } from './__fixtures__/synthetic-routing.fixture';
import {
  projectFeatures,
  projectRow,
  rehashBucket,
  rehashRows,
  rehashSign,
} from './feature-rehash';

describe('feature rehash', () => {
  it('maps every index into 2^bits buckets with a ±1 sign, spreading them out', () => {
    const counts = new Uint32Array(1 << 8);
    for (let index = 0; index < 1 << 16; index++) {
      const bucket = rehashBucket(index, 8);
      expect(bucket).toBeLessThan(256);
      counts[bucket]!++;
      expect(Math.abs(rehashSign(index))).toBe(1);
    }
    expect(Math.max(...counts)).toBeLessThan(2 * Math.min(...counts));
    expect(rehashBucket(2 ** 32 - 1, 20)).toBeLessThan(2 ** 20);
  });

  it('projects a prompt and its pre-rehashed row identically, summing colliding terms', () => {
    const bits = 4;
    const width = 3;
    const sparse = Float32Array.from({ length: (1 << bits) * width }, (_, i) => (i % 7) - 3);
    const dense = Float32Array.from([1, -2, 0.5, 3, 0, -1]);
    const bias = Float32Array.from([0.1, 0.2, 0.3]);
    const features = featuresOf([5, 900, 77_777, 123_456], [0.5, -1], [1, 2, 3, 4]);
    const rows = rehashRows([features, featuresOf([], [0, 0])], bits);
    expect(Array.from(rows.offsets)).toEqual([0, 4, 4]);
    const direct = projectFeatures(features, bits, sparse, dense, bias, new Float64Array(width));
    const viaRow = projectRow(rows, 0, sparse, dense, bias, new Float64Array(width));
    expect(Array.from(viaRow)).toEqual(Array.from(direct));
    let expected = 0.1 + 0.5 * 1 + -1 * 3;
    features.sparse.indices.forEach((index, i) => {
      const row = rehashBucket(index, bits) * width;
      expected += features.sparse.values[i]! * rehashSign(index) * sparse[row]!;
    });
    expect(direct[0]).toBeCloseTo(expected, 5);
    const empty = projectRow(rows, 1, sparse, dense, bias, new Float64Array(width));
    expect(Array.from(empty)).toEqual(Array.from(bias, (b) => Math.fround(b)));
  });
});
