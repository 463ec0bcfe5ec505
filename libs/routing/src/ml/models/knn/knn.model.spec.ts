import { encodeFloat32 } from '../../float-codec';
import { encodeUint32 } from '../../featurizer/sparse-codec';
import { HashedTfidfFeaturizer } from '../../featurizer/hashed-tfidf.featurizer';
import type { QualityModelSpec } from '../../ml.types';
import { KnnModel } from './knn.model';
import { KnnTrainer } from './knn.trainer';
import { embedded, features, matrix } from './knn.fixtures';

const trainer = new KnnTrainer();
const TRAIN = [features({ 0: 1 }), features({ 0: 0.6, 1: 0.8 }), features({ 2: 1 })];
const CANDIDATES = ['a', 'b'];

function model(scores: number[][], options = {}): KnnModel {
  return trainer.train(TRAIN, matrix(CANDIDATES, scores), { k: 2, prior: 0, ...options });
}

const SCORES = [
  [1, 0],
  [0, 1],
  [0.5, 0.5],
];

describe(KnnModel.name, () => {
  it('predicts the similarity-weighted mean score of the k nearest queries', () => {
    const predicted = model(SCORES).predict(features({ 0: 1 }));
    expect(predicted[0]).toBeCloseTo((1 * 1 + 0.6 * 0) / 1.6, 6);
    expect(predicted[1]).toBeCloseTo((1 * 0 + 0.6 * 1) / 1.6, 6);
  });

  it('uses only the k nearest, and weights by similarity^power', () => {
    expect(Array.from(model(SCORES, { k: 1 }).predict(features({ 0: 1 })))).toEqual([1, 0]);
    const squared = model(SCORES, { power: 2 }).predict(features({ 0: 1 }));
    expect(squared[0]).toBeCloseTo(1 / (1 + 0.36), 6);
  });

  it('counts each candidate mean as one more neighbour of weight prior', () => {
    const predicted = model(SCORES, { prior: 2 }).predict(features({ 0: 1 }));
    expect(predicted[0]).toBeCloseTo((1 * 1 + 0.6 * 0 + 2 * 0.5) / 3.6, 6);
    expect(predicted[1]).toBeCloseTo((1 * 0 + 0.6 * 1 + 2 * 0.5) / 3.6, 6);
  });

  it('skips unknown scores per candidate and falls back to the candidate mean', () => {
    const scores = [
      [1, NaN],
      [0, NaN],
      [0.5, 0.25],
    ];
    const predicted = model(scores).predict(features({ 0: 1 }));
    expect(predicted[0]).toBeCloseTo(1 / 1.6, 6);
    expect(predicted[1]).toBeCloseTo(0.25, 6);
  });

  it('predicts each candidate mean for a prompt sharing no term with training', () => {
    const predicted = model(SCORES).predict(features({ 9: 1 }));
    expect(Array.from(predicted)).toEqual([0.5, 0.5]);
    expect(Array.from(model(SCORES).predict(features({})))).toEqual([0.5, 0.5]);
  });

  it('writes into the given buffer, and repeated predictions agree', () => {
    const knn = model(SCORES);
    const out = new Float64Array(2);
    expect(knn.predict(features({ 2: 1 }), out)).toBe(out);
    expect(Array.from(out)).toEqual([0.5, 0.5]);
    const first = Array.from(knn.predict(features({ 0: 0.8, 1: 0.6 })));
    knn.predict(features({ 2: 1 }));
    expect(Array.from(knn.predict(features({ 0: 0.8, 1: 0.6 })))).toEqual(first);
  });

  it('refuses an output buffer or dense features of the wrong size', () => {
    const knn = model(SCORES);
    expect(() => knn.predict(features({ 0: 1 }), new Float64Array(3))).toThrow(RangeError);
    expect(() => knn.predict(features({ 0: 1 }, [1]))).toThrow(/dense/);
  });

  it('does not search terms found in more than max_df of a large training set', () => {
    const many = Array.from({ length: 600 }, (_, q) => features({ 0: 0.6, [q + 1]: 0.8 }));
    const scores = matrix(
      ['a'],
      Array.from({ length: 600 }, (_, q) => [q === 0 ? 1 : 0]),
    );
    const pruned = trainer.train(many, scores, { k: 1, maxDf: 0.05, prior: 0 });
    const whole = trainer.train(many, scores, { k: 1, maxDf: 1, prior: 0 });
    expect(pruned.predict(features({ 0: 1 }))[0]).toBeCloseTo(1 / 600, 6); // no neighbour: mean
    expect(whole.predict(features({ 0: 1 }))[0]).toBe(1); // all tie; the first row wins
  });

  it('searches only the heaviest maxQueryTerms terms of a prompt', () => {
    const train = [features({ 0: 1 }), features({ 1: 1 })];
    const scores = matrix(['a'], [[1], [0]]);
    const capped = trainer.train(train, scores, { k: 2, maxQueryTerms: 1, prior: 0 });
    const whole = trainer.train(train, scores, { k: 2, maxQueryTerms: 0, prior: 0 });
    expect(capped.predict(features({ 0: 0.8, 1: 0.6 }))[0]).toBe(1);
    expect(whole.predict(features({ 0: 0.8, 1: 0.6 }))[0]).toBeCloseTo(0.8 / 1.4, 6);
    expect(capped.predict(features({ 0: 0.6, 1: 0.8 }))[0]).toBe(0);
  });

  it('round-trips through JSON exactly, unknown scores included', () => {
    const original = model([
      [1, NaN],
      [0, 1],
      [0.5, 0.5],
    ]);
    const spec = JSON.parse(JSON.stringify(original.toJSON())) as QualityModelSpec;
    const rebuilt = KnnModel.fromJSON(spec, CANDIDATES);
    expect(rebuilt.toJSON()).toEqual(spec);
    for (const query of [features({ 0: 1 }), features({ 1: 1 }), features({ 2: 0.5, 0: 0.5 })]) {
      expect(rebuilt.predict(query)).toEqual(original.predict(query));
    }
  });

  it('routes real prompts by their neighbours through the hashed featurizer', () => {
    const texts = [
      'Solve 12 + 7 = ?',
      'Compute 3 * 4 + 2',
      'What is 15 - 9?',
      'Write a Python function to reverse a list',
      'Write a Python function that sorts a list',
      'Write a Python function returning the max of a list',
    ];
    const featurizer = HashedTfidfFeaturizer.fit(texts);
    const knn = trainer.train(
      texts.map((text) => featurizer.featurize(text)),
      matrix(
        ['maths', 'coder'],
        [
          [1, 0],
          [1, 0],
          [1, 0],
          [0, 1],
          [0, 1],
          [0, 1],
        ],
      ),
      { k: 3 },
    );
    const coding = knn.predict(featurizer.featurize('Write a Python function to sum a list'));
    const maths = knn.predict(featurizer.featurize('Compute 8 + 5 = ?'));
    expect(coding[1]).toBeGreaterThan(coding[0]!);
    expect(maths[0]).toBeGreaterThan(maths[1]!);
  });

  describe('fromJSON refuses a hostile spec', () => {
    const good = model(SCORES).toJSON();
    const nanValue = Buffer.from(new Float32Array([NaN, 0.8, 1, 0]).buffer).toString('base64');

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['another kind', { kind: 'mlp' }, /kind knn/],
      ['another version', { version: 3 }, /version/],
      ['k of zero', { k: 0 }, /"k"/],
      ['a negative power', { power: -1 }, /"power"/],
      ['a missing prior', { prior: undefined }, /"prior"/],
      ['max_df above 1', { max_df: 1.5 }, /"max_df"/],
      ['a fractional max_query_terms', { max_query_terms: 2.5 }, /"max_query_terms"/],
      ['a string for queries', { queries: '3' }, /"queries"/],
      ['more queries than offsets', { queries: 4 }, /offsets/],
      [
        'offsets not ending at nonzeros',
        { offsets: encodeUint32(Uint32Array.from([0, 1, 3, 3])) },
        /offsets must run/,
      ],
      ['decreasing offsets', { offsets: encodeUint32(Uint32Array.from([0, 3, 1, 4])) }, /decrease/],
      ['an unsorted row', { indices: encodeUint32(Uint32Array.from([0, 1, 0, 2])) }, /increasing/],
      ['an index beyond sparse_size', { sparse_size: 2 }, /out of range/],
      ['a value above 1', { values: encodeFloat32(Float32Array.from([1, 0.6, 1.5, 1])) }, /values/],
      ['a NaN value', { values: nanValue }, /not finite/],
      [
        'a negative value',
        { values: encodeFloat32(Float32Array.from([1, -0.6, 0.8, 1])) },
        /values/,
      ],
      ['a zero value', { values: encodeFloat32(Float32Array.from([1, 0, 0.8, 1])) }, /values/],
      [
        'a score above 1',
        { scores: encodeFloat32(Float32Array.from([1, 0, 0, 1, 0.5, 2])) },
        /score 5/,
      ],
      ['scores for other candidates', { scores: encodeFloat32(new Float32Array(3)) }, /"scores"/],
      ['indices that are not base64', { indices: '!!' }, /"indices".*base64/],
    ])('with %s', (_label, fields, message) => {
      const spec: QualityModelSpec = { ...good, ...fields };
      expect(() => KnnModel.fromJSON(spec, CANDIDATES)).toThrow(RangeError);
      expect(() => KnnModel.fromJSON(spec, CANDIDATES)).toThrow(message);
    });

    it('and a bad candidate list or a non-object', () => {
      expect(() => KnnModel.fromJSON(good, ['a', 'a'])).toThrow(/unique/);
      expect(() => KnnModel.fromJSON(good, ['a', 'b', 'c'])).toThrow(/"scores"/);
      expect(() => KnnModel.fromJSON(null as unknown as QualityModelSpec, CANDIDATES)).toThrow(
        RangeError,
      );
    });
  });
});

describe(`${KnnModel.name} over dense embeddings`, () => {
  const TRAIN_DENSE = [embedded(1, 0, 0), embedded(0.6, 0.8, 0), embedded(0, 0, 2)];

  function dense(options = {}): KnnModel {
    return trainer.train(TRAIN_DENSE, matrix(CANDIDATES, SCORES), { k: 2, prior: 0, ...options });
  }

  it('searches by cosine over the dense part, as the sparse model does over its terms', () => {
    const knn = dense();
    expect(knn.space).toBe('dense');
    const predicted = knn.predict(embedded(5, 0, 0));
    expect(predicted[0]).toBeCloseTo((1 * 1 + 0.6 * 0) / 1.6, 6);
    expect(predicted[1]).toBeCloseTo((1 * 0 + 0.6 * 1) / 1.6, 6);
    // The third row was stored at unit length: an exact match whatever the prompt's length.
    expect(Array.from(knn.predict(embedded(0, 0, 0.1)))).toEqual([0.5, 0.5]);
  });

  it('falls back to the candidate means for a prompt unlike every training query', () => {
    expect(Array.from(dense().predict(embedded(-1, 0, 0)))).toEqual([0.5, 0.5]);
    expect(Array.from(dense().predict(embedded(0, 0, 0)))).toEqual([0.5, 0.5]);
  });

  it('refuses a prompt of another dimension', () => {
    expect(() => dense().predict(embedded(1, 0))).toThrow(/expects 3 dense features, got 2/);
  });

  it('round-trips through JSON exactly as a version 2 spec, without sparse fields', () => {
    const original = dense({ power: 2, prior: 0.5 });
    const spec = JSON.parse(JSON.stringify(original.toJSON())) as QualityModelSpec;
    expect(spec).toMatchObject({ kind: 'knn', version: 2, k: 2, dense_size: 3, queries: 3 });
    expect(spec).not.toHaveProperty('offsets');
    const rebuilt = KnnModel.fromJSON(spec, CANDIDATES);
    expect(rebuilt.toJSON()).toEqual(spec);
    expect(rebuilt.space).toBe('dense');
    for (const query of [embedded(1, 0, 0), embedded(0.2, 0.9, 0.1), embedded(0, 1, 1)]) {
      expect(rebuilt.predict(query)).toEqual(original.predict(query));
    }
  });

  describe('fromJSON refuses a hostile dense spec', () => {
    const good = dense().toJSON();
    const vectors = (...values: number[]): string => encodeFloat32(Float32Array.from(values));

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['another version', { version: 3 }, /version/],
      ['a dense_size of zero', { dense_size: 0 }, /"dense_size"/],
      ['a dense_size too large', { dense_size: 5000 }, /"dense_size"/],
      ['more queries than vectors', { queries: 4 }, /"vectors"/],
      ['vectors of another size', { vectors: vectors(1, 0, 0) }, /"vectors"/],
      ['a vector not of unit length', { vectors: vectors(1, 0, 0, 0, 2, 0, 0, 0, 1) }, /vector 1/],
      ['a NaN in the vectors', { vectors: vectors(NaN, 0, 0, 0, 1, 0, 0, 0, 1) }, /not finite/],
      ['a missing k', { k: undefined }, /"k"/],
      [
        'a score above 1',
        { scores: encodeFloat32(Float32Array.from([1, 0, 0, 1, 0.5, 2])) },
        /score 5/,
      ],
      ['too many values in all', { queries: 1_000_000, dense_size: 4096 }, /more than/],
    ])('with %s', (_label, fields, message) => {
      const spec: QualityModelSpec = { ...good, ...fields };
      expect(() => KnnModel.fromJSON(spec, CANDIDATES)).toThrow(RangeError);
      expect(() => KnnModel.fromJSON(spec, CANDIDATES)).toThrow(message);
    });
  });
});
