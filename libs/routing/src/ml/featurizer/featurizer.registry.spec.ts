import type { FeaturizerSpec } from '../ml.types';
import { featurizerFromSpec } from './featurizer.registry';
import { HashedTfidfFeaturizer } from './hashed-tfidf.featurizer';
import { RemoteEmbeddingFeaturizer } from './remote-embedding.featurizer';

describe('featurizerFromSpec', () => {
  it('rebuilds a hashed TF-IDF featurizer that featurizes exactly as the original', () => {
    const original = HashedTfidfFeaturizer.fit(['what is 2 + 2?', 'write a python function']);
    const rebuilt = featurizerFromSpec(JSON.parse(JSON.stringify(original.toJSON())));
    expect(rebuilt).toBeInstanceOf(HashedTfidfFeaturizer);
    expect(rebuilt.featurize('a python function for 2 + 2')).toEqual(
      original.featurize('a python function for 2 + 2'),
    );
  });

  it('refuses unknown kinds and non-objects', () => {
    expect(() => featurizerFromSpec({ kind: 'word2vec', version: 1 })).toThrow(
      /unknown featurizer kind "word2vec"/,
    );
    expect(() => featurizerFromSpec(null as unknown as FeaturizerSpec)).toThrow(RangeError);
    expect(() => featurizerFromSpec([] as unknown as FeaturizerSpec)).toThrow(RangeError);
  });

  it('rebuilds a remote-embedding featurizer, validating its spec', () => {
    const spec = {
      kind: 'remote-embedding',
      version: 1,
      model: 'embed',
      dimensions: 3,
      normalize: true,
    };
    const rebuilt = featurizerFromSpec(spec);
    expect(rebuilt).toBeInstanceOf(RemoteEmbeddingFeaturizer);
    expect(rebuilt.toJSON()).toEqual(spec);
    expect(() => featurizerFromSpec({ ...spec, dimensions: 0 })).toThrow(/dimensions/);
  });
});
