import { KnnModel } from './knn.model';
import { heaviest, KnnTrainer } from './knn.trainer';
import { embedded, features, matrix } from './knn.fixtures';

const trainer = new KnnTrainer();
const TRAIN = [features({ 0: 1 }), features({ 0: 0.6, 1: 0.8 }), features({ 2: 1 })];
const SCORES = matrix(
  ['a', 'b'],
  [
    [1, 0],
    [0, 1],
    [0.5, 0.5],
  ],
);

describe(KnnTrainer.name, () => {
  it('builds a kNN model over the queries and their per-candidate scores', () => {
    const progress = jest.fn();
    const model = trainer.train(TRAIN, SCORES, { k: 2, prior: 0 }, progress);
    expect(model).toBeInstanceOf(KnnModel);
    expect(model.kind).toBe('knn');
    expect(model.candidates).toEqual(['a', 'b']);
    expect(model.size).toBe(3);
    expect(Array.from(model.predict(features({ 0: 1 })))).toEqual([
      expect.closeTo(1 / 1.6, 6),
      expect.closeTo(0.6 / 1.6, 6),
    ]);
    expect(progress).toHaveBeenCalledWith(3, 3, 'knn index');
  });

  it('is deterministic: the same input gives the same artifact', () => {
    expect(trainer.train(TRAIN, SCORES).toJSON()).toEqual(trainer.train(TRAIN, SCORES).toJSON());
  });

  it('uses the documented defaults', () => {
    expect(trainer.train(TRAIN, SCORES).toJSON()).toMatchObject({
      k: 150,
      power: 1,
      prior: 1,
      max_df: 0.05,
      max_query_terms: 128,
    });
  });

  it('keeps only the heaviest terms per query when maxTerms is set', () => {
    const model = trainer.train([features({ 1: 0.2, 5: 0.9, 7: 0.4 })], matrix(['a'], [[1]]), {
      maxTerms: 2,
    });
    expect(model.toJSON()).toMatchObject({ nonzeros: 2, sparse_size: 8 });
    expect(heaviest(features({ 1: 0.2, 5: -0.9, 7: 0.4 }).sparse, 2)).toEqual({
      indices: Uint32Array.from([5, 7]),
      values: Float32Array.from([-0.9, 0.4]),
    });
  });

  it('refuses bad options', () => {
    expect(() => trainer.train(TRAIN, SCORES, { k: 0 })).toThrow(/"k"/);
    expect(() => trainer.train(TRAIN, SCORES, { k: 2.5 })).toThrow(/integer/);
    expect(() => trainer.train(TRAIN, SCORES, { maxDf: 2 })).toThrow(/"maxDf"/);
    expect(() => trainer.train(TRAIN, SCORES, { prior: -1 })).toThrow(/"prior"/);
    expect(() => trainer.train(TRAIN, SCORES, { neighbours: 3 } as never)).toThrow(/unknown/);
  });

  it('refuses inconsistent input', () => {
    expect(() => trainer.train(TRAIN.slice(1), SCORES)).toThrow(RangeError);
    expect(() =>
      trainer.train(
        TRAIN,
        matrix(
          ['a', 'b'],
          [
            [1, 0],
            [0, 1],
            [2, 0],
          ],
        ),
      ),
    ).toThrow(RangeError);
    const unsorted = {
      sparse: { indices: Uint32Array.from([3, 1]), values: Float32Array.from([0.5, 0.5]) },
      dense: new Float32Array(0),
    };
    expect(() => trainer.train([unsorted], matrix(['a'], [[1]]))).toThrow(/increasing/);
    expect(() => trainer.train([features({ 1: -0.5 })], matrix(['a'], [[1]]))).toThrow(
      /query 0 feature values must be in/,
    );
  });

  it('keeps unit dense vectors when every query has only dense features (embeddings)', () => {
    const progress = jest.fn();
    const model = trainer.train(
      [embedded(3, 4), embedded(0, 2), embedded(0, 0)],
      matrix(['a'], [[1], [0], [0.5]]),
      { k: 1, prior: 0 },
      progress,
    );
    expect(model.space).toBe('dense');
    expect(progress).toHaveBeenCalledWith(3, 3, 'knn vectors');
    expect(model.predict(embedded(0.6, 0.8))[0]).toBe(1);
    expect(trainer.train(TRAIN, SCORES).space).toBe('sparse');
  });

  it('refuses a dense kNN whose decisions would cost more than maxDenseWork', () => {
    const rows = Array.from({ length: 4 }, () => embedded(1, 0, 0));
    const scores = matrix(['a'], [[1], [0], [1], [0]]);
    expect(() => trainer.train(rows, scores, { maxDenseWork: 11 })).toThrow(
      /4 queries x 3 dimensions is 12 multiply-adds per decision, more than maxDenseWork \(11\)/,
    );
    expect(trainer.train(rows, scores, { maxDenseWork: 12 }).size).toBe(4);
    expect(() => trainer.train([embedded(1, NaN)], matrix(['a'], [[1]]))).toThrow(/not finite/);
  });
});
