import { KnnIndex } from './knn.index';
import { features } from './knn.fixtures';

/** Rows from `{ index: value }` maps. */
function rows(...maps: Record<number, number>[]): ConstructorParameters<typeof KnnIndex>[0] {
  const vectors = maps.map((map) => features(map).sparse);
  const offsets = new Uint32Array(vectors.length + 1);
  vectors.forEach((v, q) => (offsets[q + 1] = offsets[q]! + v.indices.length));
  const indices = new Uint32Array(offsets[vectors.length]!);
  const values = new Float32Array(indices.length);
  vectors.forEach((v, q) => {
    indices.set(v.indices, offsets[q]);
    values.set(v.values, offsets[q]);
  });
  return { offsets, indices, values };
}

function found(index: KnnIndex, query: Record<number, number>): [number, number][] {
  const result = index.search(features(query).sparse);
  return Array.from({ length: result.count }, (_, n) => [
    result.rows[n]!,
    Math.round(result.similarities[n]! * 1e6) / 1e6,
  ]);
}

describe(KnnIndex.name, () => {
  const data = rows({ 0: 0.6, 1: 0.8 }, { 0: 1 }, { 2: 1 }, { 0: 0.8, 2: 0.6 }, { 0: 1 });

  it('returns the k most similar rows, best first, lower row first on ties', () => {
    expect(found(new KnnIndex(data, 3, 3), { 0: 1 })).toEqual([
      [1, 1],
      [4, 1],
      [3, 0.8],
    ]);
    expect(found(new KnnIndex(data, 3, 10), { 0: 1 })).toEqual([
      [1, 1],
      [4, 1],
      [3, 0.8],
      [0, 0.6],
    ]);
  });

  it('keeps no state between searches', () => {
    const index = new KnnIndex(data, 3, 2);
    const first = found(index, { 0: 0.6, 2: 0.8 });
    expect(found(index, { 1: 1 })).toEqual([[0, 0.8]]);
    expect(found(index, { 0: 0.6, 2: 0.8 })).toEqual(first);
    expect(first).toEqual([
      [3, 0.96],
      [2, 0.8],
    ]);
  });

  it('ignores terms outside the indexed space, non-positive query weights and stored values', () => {
    const index = new KnnIndex(data, 3, 5);
    expect(found(index, { 7: 1 })).toEqual([]);
    expect(found(index, { 2: -1 })).toEqual([]);
    expect(found(index, { 0: -1, 1: 1 })).toEqual(found(index, { 1: 1 }));
    expect(found(new KnnIndex(rows({ 0: 1e-12 }, { 0: 0.5 }), 1, 5), { 0: 1 })).toEqual([[1, 0.5]]);
  });

  it('searches posting lists up to max(maxDf × rows, 256) long', () => {
    expect(new KnnIndex(data, 3, 1, 0.01).maxPostings).toBe(256);
    const many = rows(...Array.from({ length: 1000 }, () => ({ 0: 1 })));
    expect(new KnnIndex(many, 1, 1, 0.5).maxPostings).toBe(500);
    expect(found(new KnnIndex(many, 1, 1, 0.5), { 0: 1 })).toEqual([]);
    expect(found(new KnnIndex(many, 1, 1, 1), { 0: 1 })).toEqual([[0, 1]]);
  });
});
