import type { FeaturizerSpec } from '../ml.types';
import {
  isRemoteEmbedding,
  MAX_EMBEDDING_DIMENSIONS,
  RemoteEmbeddingFeaturizer,
} from './remote-embedding.featurizer';
import { HashedTfidfFeaturizer } from './hashed-tfidf.featurizer';

const SPEC = {
  kind: 'remote-embedding',
  version: 1,
  model: 'text-embedder',
  dimensions: 4,
  normalize: true,
};

describe(RemoteEmbeddingFeaturizer.name, () => {
  const featurizer = RemoteEmbeddingFeaturizer.fromJSON(SPEC);

  it('describes a dense-only feature space of the embedding dimensions', () => {
    expect(featurizer).toMatchObject({
      kind: 'remote-embedding',
      sparseSize: 0,
      denseSize: 4,
      model: 'text-embedder',
    });
    expect(featurizer.toJSON()).toEqual(SPEC);
    expect(
      RemoteEmbeddingFeaturizer.create({ model: 'text-embedder', dimensions: 4 }).toJSON(),
    ).toEqual(SPEC);
  });

  it('turns an embedding into unit-length dense features and no sparse ones', () => {
    const features = featurizer.featurizeEmbedding([3, 0, 4, 0]);
    expect(Array.from(features.dense)).toEqual([
      expect.closeTo(0.6, 6),
      0,
      expect.closeTo(0.8, 6),
      0,
    ]);
    expect(features.sparse.indices).toHaveLength(0);
    expect(features.sparse.values).toHaveLength(0);
    expect(Array.from(featurizer.featurizeEmbedding([0, 0, 0, 0]).dense)).toEqual([0, 0, 0, 0]);
  });

  it('copies the embedding, and keeps its length when normalize is false', () => {
    const raw = Float32Array.from([3, 0, 4, 0]);
    const kept = RemoteEmbeddingFeaturizer.fromJSON({ ...SPEC, normalize: false });
    const features = kept.featurizeEmbedding(raw);
    expect(Array.from(features.dense)).toEqual([3, 0, 4, 0]);
    raw[0] = 9;
    expect(features.dense[0]).toBe(3);
  });

  it('refuses an embedding of another length or with a non-finite value', () => {
    expect(() => featurizer.featurizeEmbedding([1, 2, 3])).toThrow(
      /embedding has 3 dimensions, expected 4/,
    );
    expect(() => featurizer.featurizeEmbedding([1, 2, NaN, 3])).toThrow(/value 2 is not finite/);
    expect(() => featurizer.featurizeEmbedding([1, Infinity, 2, 3])).toThrow(RangeError);
  });

  it('cannot featurize text: it says what it needs, without the text', () => {
    expect(() => featurizer.featurize('secret prompt')).toThrow(/needs the prompt's embedding/);
    expect(() => featurizer.featurize('secret prompt')).not.toThrow(/secret/);
  });

  it('is told apart from the offline featurizer', () => {
    expect(isRemoteEmbedding(featurizer)).toBe(true);
    expect(isRemoteEmbedding(HashedTfidfFeaturizer.fit(['a text']))).toBe(false);
  });

  describe('fromJSON refuses a hostile spec', () => {
    it.each<[string, Record<string, unknown>, RegExp]>([
      ['another kind', { kind: 'hashed-tfidf' }, /kind is not remote-embedding/],
      ['another version', { version: 2 }, /unsupported remote-embedding version 2/],
      ['no model', { model: undefined }, /model must be/],
      ['an empty model', { model: '  ' }, /model must be/],
      ['a model with a newline', { model: 'embed\nX-Forged: 1' }, /control characters/],
      ['a model name too long', { model: 'm'.repeat(257) }, /model must be/],
      ['zero dimensions', { dimensions: 0 }, /dimensions must be/],
      ['too many dimensions', { dimensions: MAX_EMBEDDING_DIMENSIONS + 1 }, /dimensions/],
      ['fractional dimensions', { dimensions: 3.5 }, /dimensions/],
      ['dimensions as a string', { dimensions: '4' }, /dimensions/],
      ['normalize as a string', { normalize: 'yes' }, /normalize/],
    ])('with %s', (_label, fields, message) => {
      const spec = { ...SPEC, ...fields } as FeaturizerSpec;
      expect(() => RemoteEmbeddingFeaturizer.fromJSON(spec)).toThrow(RangeError);
      expect(() => RemoteEmbeddingFeaturizer.fromJSON(spec)).toThrow(message);
    });

    it('and non-objects', () => {
      expect(() => RemoteEmbeddingFeaturizer.fromJSON(null as unknown as FeaturizerSpec)).toThrow(
        RangeError,
      );
      expect(() => RemoteEmbeddingFeaturizer.fromJSON([] as unknown as FeaturizerSpec)).toThrow(
        RangeError,
      );
    });
  });
});
