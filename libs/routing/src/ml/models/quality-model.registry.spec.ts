import { HashedTfidfFeaturizer } from '../featurizer/hashed-tfidf.featurizer';
import {
  QUALITY_MODEL_KINDS,
  type QualityModelKind,
  type QualityModelSpec,
  type ScoreMatrix,
} from '../ml.types';
import { isQualityModelKind, qualityModelFromSpec, trainerFor } from './quality-model.registry';

const QUERIES = [
  'what is two plus two',
  'add three and five',
  'prove the riemann hypothesis rigorously',
  'derive the schrodinger equation from first principles',
  'name a colour',
  'write a compiler for a lisp dialect',
];
const CANDIDATES = ['small', 'large'];
const MATRIX: ScoreMatrix = {
  queries: QUERIES,
  candidates: CANDIDATES,
  scores: Float64Array.from([1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1]),
};

// Small models keep the spec fast; the other options keep their defaults.
const OPTIONS: Partial<Record<QualityModelKind, Record<string, unknown>>> = {
  mlp: { hashBits: 10, hidden: 4, epochs: 2 },
  svm: { hashBits: 10, epochs: 2 },
  mf: { hashBits: 10, dim: 4, epochs: 2 },
  elo: { hashBits: 10, clusters: 2 },
};

describe('quality model registry', () => {
  const featurizer = HashedTfidfFeaturizer.fit(QUERIES, { sparseBits: 10 });
  const features = QUERIES.map((query) => featurizer.featurize(query));
  const probe = featurizer.featurize('prove a theorem about primes');

  it.each(QUALITY_MODEL_KINDS)('trains %s and rebuilds it from its JSON spec', (kind) => {
    const trainer = trainerFor(kind);
    expect(trainer.kind).toBe(kind);
    const model = trainer.train(features, MATRIX, { seed: 7, ...OPTIONS[kind] });
    const spec = JSON.parse(JSON.stringify(model.toJSON())) as QualityModelSpec;
    const rebuilt = qualityModelFromSpec(spec, CANDIDATES);
    expect(rebuilt.kind).toBe(kind);
    expect(rebuilt.candidates).toEqual(CANDIDATES);
    expect(Array.from(rebuilt.predict(probe))).toEqual(Array.from(model.predict(probe)));
  });

  it('refuses unknown kinds', () => {
    expect(() => trainerFor('pickle')).toThrow(
      'unknown model kind "pickle"; known: knn, mlp, svm, mf, elo',
    );
    expect(() =>
      qualityModelFromSpec({ kind: 'pickle' } as unknown as QualityModelSpec, CANDIDATES),
    ).toThrow('model kind must be one of knn, mlp, svm, mf, elo');
    expect(() => qualityModelFromSpec(null as unknown as QualityModelSpec, CANDIDATES)).toThrow(
      RangeError,
    );
    expect(isQualityModelKind('knn')).toBe(true);
    expect(isQualityModelKind('__proto__')).toBe(false);
  });

  it('refuses a spec of the right kind with malformed fields', () => {
    const spec = trainerFor('knn').train(features, MATRIX).toJSON();
    expect(() => qualityModelFromSpec({ ...spec, k: -1 }, CANDIDATES)).toThrow(RangeError);
    expect(() => qualityModelFromSpec(spec, ['small', 'large', 'extra'])).toThrow(RangeError);
  });
});
