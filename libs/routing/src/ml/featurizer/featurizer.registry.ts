import type { Featurizer, FeaturizerSpec } from '../ml.types';
import { HashedTfidfFeaturizer } from './hashed-tfidf.featurizer';
import { HASHED_TFIDF_KIND } from './hashed-tfidf.options';
import { REMOTE_EMBEDDING_KIND, RemoteEmbeddingFeaturizer } from './remote-embedding.featurizer';

/**
 * Rebuilds the featurizer an artifact describes, by its `kind`.
 * @throws RangeError for an unknown kind or a malformed spec.
 */
export function featurizerFromSpec(spec: FeaturizerSpec): Featurizer {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new RangeError('featurizer spec is not an object');
  }
  switch (spec.kind) {
    case HASHED_TFIDF_KIND:
      return HashedTfidfFeaturizer.fromJSON(spec);
    case REMOTE_EMBEDDING_KIND:
      return RemoteEmbeddingFeaturizer.fromJSON(spec);
    default:
      throw new RangeError(`unknown featurizer kind ${JSON.stringify(spec.kind)}`);
  }
}
