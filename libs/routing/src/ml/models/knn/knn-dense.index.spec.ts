import { DenseKnnIndex, putUnit } from './knn-dense.index';

/** Unit rows of `dimensions` values each, from plain arrays. */
function unitRows(dimensions: number, ...vectors: number[][]): Float32Array {
  const out = new Float32Array(vectors.length * dimensions);
  vectors.forEach((vector, q) => putUnit(vector, out, q * dimensions));
  return out;
}

function found(index: DenseKnnIndex, query: number[]): [number, number][] {
  const result = index.search(Float32Array.from(query));
  return Array.from({ length: result.count }, (_, n) => [
    result.rows[n]!,
    Math.round(result.similarities[n]! * 1e6) / 1e6,
  ]);
}

describe(DenseKnnIndex.name, () => {
  // Five dimensions: the unrolled loop's tail (5 % 4) is exercised too.
  const rows = unitRows(
    5,
    [1, 0, 0, 0, 0],
    [0.6, 0.8, 0, 0, 0],
    [0, 0, 0, 0, 1],
    [-1, 0, 0, 0, 0],
    [1, 0, 0, 0, 0],
    [0, 0, 0, 0, 0],
  );

  it('returns the k rows of highest cosine, best first, lower row first on ties', () => {
    expect(found(new DenseKnnIndex(rows, 5, 3), [2, 0, 0, 0, 0])).toEqual([
      [0, 1],
      [4, 1],
      [1, 0.6],
    ]);
  });

  it('measures cosine whatever the query length, and the tail dimension counts', () => {
    expect(found(new DenseKnnIndex(rows, 5, 1), [0, 0, 0, 0, 7])).toEqual([[2, 1]]);
    expect(found(new DenseKnnIndex(rows, 5, 2), [3, 4, 0, 0, 0])).toEqual([
      [1, 1],
      [0, 0.6],
    ]);
  });

  it('never returns rows of zero or negative similarity, nor all-zero rows', () => {
    expect(found(new DenseKnnIndex(rows, 5, 10), [-1, 0, 0, 0, 0])).toEqual([[3, 1]]);
    expect(found(new DenseKnnIndex(rows, 5, 10), [0, 0, 1, 0, 0])).toEqual([]);
  });

  it('finds nothing for a zero or non-finite query', () => {
    const index = new DenseKnnIndex(rows, 5, 3);
    expect(found(index, [0, 0, 0, 0, 0])).toEqual([]);
    expect(found(index, [NaN, 1, 0, 0, 0])).toEqual([]);
    expect(found(index, [Infinity, 0, 0, 0, 0])).toEqual([]);
  });

  it('agrees with a brute-force ranking on random vectors', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const d = 37;
    const vectors = Array.from({ length: 300 }, () => Array.from({ length: d }, random));
    const index = new DenseKnnIndex(unitRows(d, ...vectors), d, 10);
    const query = Array.from({ length: d }, random);
    const cosine = (v: number[]): number => {
      const dot = v.reduce((sum, x, i) => sum + x * query[i]!, 0);
      return dot / Math.hypot(...v) / Math.hypot(...query);
    };
    const expected = vectors
      .map((v, row) => [row, cosine(v)] as const)
      .filter(([, similarity]) => similarity > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10);
    const result = index.search(Float32Array.from(query));
    expect(Array.from(result.rows.subarray(0, result.count))).toEqual(expected.map(([r]) => r));
    expected.forEach(([, similarity], n) => {
      expect(result.similarities[n]).toBeCloseTo(similarity, 5);
    });
  });
});

describe(putUnit.name, () => {
  it('scales to unit length, leaves a zero vector at zero, refuses non-finite values', () => {
    const out = new Float32Array(4);
    putUnit([3, 4], out, 1);
    expect(Array.from(out)).toEqual([0, expect.closeTo(0.6, 6), expect.closeTo(0.8, 6), 0]);
    putUnit([0, 0], out, 0);
    expect(Array.from(out.subarray(0, 2))).toEqual([0, 0]);
    expect(() => putUnit([1, NaN], out, 0)).toThrow(/dense value 1 is not finite/);
  });
});
