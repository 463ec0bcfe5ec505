import { foldAssignments, foldSplit } from './cv-folds';

const counts = (fold: Int32Array, k: number): number[] => {
  const out = new Array<number>(k).fill(0);
  for (const f of fold) out[f]!++;
  return out;
};

describe(foldAssignments.name, () => {
  it('deals queries into balanced folds, the same for the same seed', () => {
    const fold = foldAssignments(23, 5, 7);
    expect(counts(fold, 5)).toEqual([5, 5, 5, 4, 4]);
    expect(foldAssignments(23, 5, 7)).toEqual(fold);
    expect(foldAssignments(23, 5, 8)).not.toEqual(fold);
  });

  it('stratifies by group: each fold gets its share of every group', () => {
    const groups = [
      ...Array<string>(10).fill('a'),
      ...Array<string>(20).fill('b'),
      ...Array<string>(5).fill('c'),
    ];
    const fold = foldAssignments(groups.length, 5, 1, groups);
    for (const group of ['a', 'b', 'c']) {
      const members = fold.filter((_, q) => groups[q] === group);
      expect(counts(members, 5)).toEqual(Array<number>(5).fill(members.length / 5));
    }
    expect(counts(fold, 5)).toEqual([7, 7, 7, 7, 7]);
  });

  it('refuses fewer than 2 folds, more folds than queries, and fractional folds', () => {
    expect(() => foldAssignments(10, 1, 1)).toThrow(RangeError);
    expect(() => foldAssignments(3, 4, 1)).toThrow(
      'folds must be an integer from 2 to the number of queries (3)',
    );
    expect(() => foldAssignments(10, 2.5, 1)).toThrow(RangeError);
  });
});

describe(foldSplit.name, () => {
  it('splits into the fold (test) and the rest (train), in query order', () => {
    expect(foldSplit(Int32Array.from([0, 1, 0, 2, 1]), 1)).toEqual({
      train: [0, 2, 3],
      test: [1, 4],
    });
  });
});
